package ssvae.kernels.cpu.gemm;

/** Panel sources over a strided row-major-or-not float matrix: element (i, k) at off + i * si + k * sk. */
public final class StridedPanels {
    private StridedPanels() {}

    /**
     * A as rows i, depth k: element (i, k) at a[off + i * rs + k * cs].
     * For B pass the transposed view (columns j as "rows": element (j, k) at b[off + j * cs + k * rs]).
     */
    public static PanelSource of(float[] m, int off, int si, int sk) {
        return (dst, dstOff, i0, r, k0, kc, w) -> {
            int slivers = (r + w - 1) / w;
            for (int s = 0; s < slivers; s++) {
                int base = dstOff + s * kc * w;
                int rows = Math.min(w, r - s * w);
                if (si == 1 && rows == w) {
                    // the sliver's w values for one k are contiguous in memory
                    for (int k = 0; k < kc; k++) System.arraycopy(m, off + (i0 + s * w) + (k0 + k) * sk, dst, base + k * w, w);
                    continue;
                }
                for (int t = 0; t < rows; t++) {
                    int src = off + (i0 + s * w + t) * si + k0 * sk;
                    int d = base + t;
                    if (sk == 1) {
                        for (int k = 0; k < kc; k++, d += w) dst[d] = m[src + k];
                    } else {
                        for (int k = 0; k < kc; k++, d += w, src += sk) dst[d] = m[src];
                    }
                }
                for (int t = rows; t < w; t++) {
                    int d = base + t;
                    for (int k = 0; k < kc; k++, d += w) dst[d] = 0f;
                }
            }
        };
    }
}
