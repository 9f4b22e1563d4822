package ssvae.kernels.cpu.gemm;

/**
 * Fills packed GEMM panels from wherever the operand lives (a strided matrix, an implicit im2col, ...).
 * Layout of a packed block of r rows (A) or columns (B) by kc: ceil(r / W) slivers of W = MR (A) or NR (B),
 * sliver s at dst[dstOff + s * kc * W], element (k, t) of a sliver at [k * W + t]; rows/columns past r are zero.
 */
@FunctionalInterface
public interface PanelSource {
    /** Packs rows (A) or columns (B) [i0, i0 + r) and depth [k0, k0 + kc) into dst at dstOff with sliver width w. */
    void pack(float[] dst, int dstOff, int i0, int r, int k0, int kc, int w);
}
