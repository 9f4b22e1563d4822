package ssvae.kernels.cpu;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.PoolParams;
import ssvae.tensor.Tensor;

/**
 * Max pooling over D, H, W of contiguous N,C,D,H,W tensors (F.max_pool3d / max_pool2d with dilation 1, as
 * aten max_pool3d_with_indices CPU): a window starts at o * stride - padding and is clipped to the input, so
 * padded positions act as -inf; the first maximum wins and NaN propagates (a NaN replaces the running maximum).
 * indices are I64 flat offsets (d * H + h) * W + w within each plane. Backward adds gOut at those offsets of gIn
 * (overwritten). Reference: any float dtype through doubles. F32: float arrays, parallel over (plane, output depth).
 */
final class CpuPool {
    private CpuPool() {}

    static void forwardRef(PoolParams p, Tensor x, Tensor out, Tensor indices) {
        CpuStorage xs = CpuNn.st(x), os = CpuNn.st(out);
        long[] ia = CpuNn.st(indices).i64();
        run(p, x, out, indices, (xb, lo, hi, q, qi) -> {
            double best = Double.NEGATIVE_INFINITY;
            int arg = (lo[0] * x.size(3) + lo[1]) * x.size(4) + lo[2];
            int H = x.size(3), W = x.size(4);
            for (int d = lo[0]; d < hi[0]; d++)
                for (int h = lo[1]; h < hi[1]; h++)
                    for (int w = lo[2]; w < hi[2]; w++) {
                        int i = (d * H + h) * W + w;
                        double v = xs.getDouble(xb + i);
                        if (v > best || Double.isNaN(v)) { best = v; arg = i; }
                    }
            os.setDouble(q, best);
            ia[qi] = arg;
        });
    }

    static void forwardF32(PoolParams p, Tensor x, Tensor out, Tensor indices) {
        float[] xa = CpuNn.st(x).f32(), oa = CpuNn.st(out).f32();
        long[] ia = CpuNn.st(indices).i64();
        int D = x.size(2), H = x.size(3), W = x.size(4), OD = out.size(2), OH = out.size(3), OW = out.size(4);
        int planes = x.size(0) * x.size(1);
        int[] k = p.kernel(), s = p.stride(), pad = p.padding();
        int xo = x.offset(), oo = out.offset(), io = indices.offset();
        Parallel.forRange(planes * OD, Math.max(1, 4096 / Math.max(1, OH * OW)), (a, b) -> {
            float[] best = new float[OW];
            int[] arg = new int[OW];
            for (int u = a; u < b; u++) {
                int pl = u / OD, od = u % OD, xb = xo + pl * D * H * W;
                int d0 = od * s[0] - pad[0], d1 = Math.min(d0 + k[0], D);
                d0 = Math.max(d0, 0);
                for (int oh = 0; oh < OH; oh++) {
                    int h0 = oh * s[1] - pad[1], h1 = Math.min(h0 + k[1], H);
                    h0 = Math.max(h0, 0);
                    java.util.Arrays.fill(best, Float.NEGATIVE_INFINITY);
                    int first = (d0 * H + h0) * W;
                    for (int ow = 0; ow < OW; ow++) arg[ow] = first + Math.max(ow * s[2] - pad[2], 0);
                    // visit candidates in PyTorch's (d, h, w) order for every output of the row at once
                    for (int d = d0; d < d1; d++)
                        for (int h = h0; h < h1; h++)
                            for (int j = 0; j < k[2]; j++) {
                                int off = j - pad[2];
                                int lo = Math.max(0, Math.ceilDiv(-off, s[2])), hi = Math.min(OW - 1, Math.floorDiv(W - 1 - off, s[2]));
                                candidates(xa, xb, (d * H + h) * W + off, s[2], lo, hi, best, arg);
                            }
                    int q = ((pl * OD + od) * OH + oh) * OW;
                    System.arraycopy(best, 0, oa, oo + q, OW);
                    for (int ow = 0; ow < OW; ow++) ia[io + q + ow] = arg[ow];
                }
            }
        });
    }

    /** For ow in [lo, hi]: candidate x[xb + base + ow * sw] at plane offset base + ow * sw; first maximum wins, NaN propagates. */
    private static void candidates(float[] xa, int xb, int base, int sw, int lo, int hi, float[] best, int[] arg) {
        for (int ow = lo; ow <= hi; ow++) {
            int i = base + ow * sw;
            float v = xa[xb + i], m = best[ow];
            // integer select on a float compare and Math.max compile without branches (a float select would branch);
            // Math.max propagates NaN like the reference, only the sign of an all-zero window's maximum may differ
            int a = v > m ? i : arg[ow];
            if (v != v) a = i;
            arg[ow] = a;
            best[ow] = Math.max(m, v);
        }
    }

    /** One output element: input plane base, clipped window [lo, hi) per axis, output and index offsets. */
    @FunctionalInterface
    private interface Window { void run(int xb, int[] lo, int[] hi, int q, int qi); }

    private static void run(PoolParams p, Tensor x, Tensor out, Tensor indices, Window body) {
        int[] in = {x.size(2), x.size(3), x.size(4)};
        int OD = out.size(2), OH = out.size(3), OW = out.size(4);
        int planes = x.size(0) * x.size(1), plane = in[0] * in[1] * in[2];
        int[] k = p.kernel(), s = p.stride(), pad = p.padding();
        int xo = x.offset(), oo = out.offset(), io = indices.offset();
        Parallel.forRange(planes * OD, Math.max(1, 4096 / Math.max(1, OH * OW)), (a, b) -> {
            int[] lo = new int[3], hi = new int[3];
            for (int u = a; u < b; u++) {
                int pl = u / OD, od = u % OD;
                window(od, 0, k, s, pad, in, lo, hi);
                for (int oh = 0; oh < OH; oh++) {
                    window(oh, 1, k, s, pad, in, lo, hi);
                    for (int ow = 0; ow < OW; ow++) {
                        window(ow, 2, k, s, pad, in, lo, hi);
                        int o = ((pl * OD + od) * OH + oh) * OW + ow;
                        body.run(xo + pl * plane, lo, hi, oo + o, io + o);
                    }
                }
            }
        });
    }

    private static void window(int o, int d, int[] k, int[] s, int[] pad, int[] in, int[] lo, int[] hi) {
        int start = o * s[d] - pad[d];
        hi[d] = Math.min(start + k[d], in[d]);
        lo[d] = Math.max(start, 0);
    }

    static void backwardRef(Tensor gOut, Tensor indices, Tensor gIn) {
        CpuStorage gs = CpuNn.st(gOut), is = CpuNn.st(gIn);
        long[] ia = CpuNn.st(indices).i64();
        int plane = gIn.size(2) * gIn.size(3) * gIn.size(4), oplane = gOut.size(2) * gOut.size(3) * gOut.size(4);
        int planes = gIn.size(0) * gIn.size(1), go = gOut.offset(), io = gIn.offset(), xo = indices.offset();
        Parallel.forRange(planes, 1, (a, b) -> {
            double[] acc = new double[plane];
            for (int pl = a; pl < b; pl++) {
                java.util.Arrays.fill(acc, 0);
                for (int o = 0; o < oplane; o++) acc[index(ia[xo + pl * oplane + o], plane)] += gs.getDouble(go + pl * oplane + o);
                for (int i = 0; i < plane; i++) is.setDouble(io + pl * plane + i, acc[i]);
            }
        });
    }

    static void backwardF32(Tensor gOut, Tensor indices, Tensor gIn) {
        float[] ga = CpuNn.st(gOut).f32(), xa = CpuNn.st(gIn).f32();
        long[] ia = CpuNn.st(indices).i64();
        int plane = gIn.size(2) * gIn.size(3) * gIn.size(4), oplane = gOut.size(2) * gOut.size(3) * gOut.size(4);
        int planes = gIn.size(0) * gIn.size(1), go = gOut.offset(), io = gIn.offset(), xo = indices.offset();
        Parallel.forRange(planes, Math.max(1, 16384 / Math.max(1, oplane)), (a, b) -> {
            for (int pl = a; pl < b; pl++) {
                int ib = io + pl * plane, gb = go + pl * oplane, ob = xo + pl * oplane;
                java.util.Arrays.fill(xa, ib, ib + plane, 0f);
                for (int o = 0; o < oplane; o++) xa[ib + index(ia[ob + o], plane)] += ga[gb + o];
            }
        });
    }

    private static int index(long i, int plane) {
        if (i < 0 || i >= plane) throw new IllegalArgumentException("max pool backward: index " + i + " is outside a plane of " + plane + " elements");
        return (int) i;
    }
}
