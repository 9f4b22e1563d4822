package ssvae.kernels.cuda;

import java.util.Arrays;
import ssvae.kernels.cpu.StridedLoop;
import ssvae.tensor.Tensor;

/**
 * Builds the by-value geometry structs of src-cu/common.cuh and reduce.cu from tensors. Elementwise operands are
 * coalesced exactly like the CPU's {@link StridedLoop} (size-1 dims dropped, dims contiguous for every operand
 * merged), so the kernels see at most {@link #MAXD} dims; strides may be zero or negative.
 */
public final class Geometry {
    public static final int MAXD = 8, MAXOPS = 4;

    private Geometry() {}

    /** struct Geo { int ndim, numel; int shape[8]; int stride[4][8]; int offset[4]; }. */
    public static byte[] elementwise(int[] shape, Tensor... ops) {
        if (ops.length > MAXOPS) throw new IllegalArgumentException("at most " + MAXOPS + " operands, got " + ops.length);
        StridedLoop lp = new StridedLoop(shape, ops);
        int n = lp.shape.length;
        if (n > MAXD)
            throw new IllegalArgumentException("CUDA elementwise kernels take at most " + MAXD + " non-mergeable dims, got " + n
                    + " for shape " + Arrays.toString(shape));
        long numel = 1;
        for (int s : shape) numel *= s;
        Struct s = new Struct().i32(n).i32((int) numel).i32(lp.shape, MAXD);
        for (int k = 0; k < MAXOPS; k++) s.i32(k < ops.length ? lp.strides[k] : new int[0], MAXD);
        for (int k = 0; k < MAXOPS; k++) s.i32(k < ops.length ? lp.offsets[k] : 0);
        return s.bytes();
    }

    /** The kept/reduced split of a keepdim reduction x -> out (out has size 1 in the reduced dims). */
    public record Reduction(int[] kShape, int[] kxStride, int[] koStride, int[] rShape, int[] rxStride, int nOut, int nRed) {}

    public static Reduction reduction(Tensor x, Tensor out) {
        int[] xs = x.shape(), os = out.shape(), xst = x.strides(), ost = out.strides();
        if (xs.length != os.length) throw new IllegalArgumentException("reduce output rank " + os.length + " differs from input rank " + xs.length);
        int[] ks = new int[xs.length], kx = new int[xs.length], ko = new int[xs.length], rs = new int[xs.length], rx = new int[xs.length];
        int nk = 0, nr = 0;
        long nOut = 1, nRed = 1;
        for (int d = 0; d < xs.length; d++) {
            if (xs[d] == 1) continue;
            if (os[d] == xs[d]) { ks[nk] = xs[d]; kx[nk] = xst[d]; ko[nk] = ost[d]; nk++; nOut *= xs[d]; }
            else if (os[d] == 1) { rs[nr] = xs[d]; rx[nr] = xst[d]; nr++; nRed *= xs[d]; }
            else throw new IllegalArgumentException("reduce output size " + os[d] + " at dim " + d + " must be 1 or " + xs[d]);
        }
        if (nk > MAXD || nr > MAXD) throw new IllegalArgumentException("CUDA reduce takes at most " + MAXD + " kept and " + MAXD + " reduced dims");
        return new Reduction(Arrays.copyOf(ks, nk), Arrays.copyOf(kx, nk), Arrays.copyOf(ko, nk), Arrays.copyOf(rs, nr),
                Arrays.copyOf(rx, nr), (int) nOut, (int) nRed);
    }

    /** struct RedGeo { int nk, nr, nOut, nRed; int kshape[8], kxs[8], kos[8]; int rshape[8], rxs[8]; int xoff, ooff; }. */
    public static byte[] reduceStruct(Reduction r, int xoff, int ooff) {
        return new Struct().i32(r.kShape.length).i32(r.rShape.length).i32(r.nOut).i32(r.nRed)
                .i32(r.kShape, MAXD).i32(r.kxStride, MAXD).i32(r.koStride, MAXD).i32(r.rShape, MAXD).i32(r.rxStride, MAXD)
                .i32(xoff).i32(ooff).bytes();
    }
}
