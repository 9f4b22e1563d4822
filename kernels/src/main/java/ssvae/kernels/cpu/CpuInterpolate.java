package ssvae.kernels.cpu;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.InterpMode;
import ssvae.tensor.Tensor;

/**
 * F.interpolate over D, H, W of contiguous N,C,D,H,W tensors (upsample_nearest3d, _upsample_nearest_exact3d,
 * upsample_trilinear3d; 1-D and 2-D inputs arrive with leading size-1 spatial dims, which reduce to the
 * linear/bilinear cases). Each output voxel is sum over the (up to) 8 taps of wd * wh * ww * x, with per-axis taps
 * from {@link InterpCoords}; the backward pass scatters gOut with the same weights into gIn (overwritten).
 * Reference: per-voxel double accumulation, any float dtype. F32 nearest: per-axis tables, whole-row gathers
 * (parallel over (plane, output depth)) and scatters (parallel over planes); F32 linear: {@link CpuInterpolateLinear}.
 */
final class CpuInterpolate {
    private CpuInterpolate() {}

    private static InterpCoords[] axes(InterpMode mode, Tensor in, Tensor out, boolean align, double[] scales) {
        InterpCoords[] a = new InterpCoords[3];
        for (int d = 0; d < 3; d++) a[d] = InterpCoords.of(mode, in.size(2 + d), out.size(2 + d), scales[d], align, in.dtype());
        return a;
    }

    // ------------------------------------------------------------------ reference

    static void forwardRef(InterpMode mode, Tensor x, Tensor out, boolean align, double[] scales) {
        InterpCoords[] ax = axes(mode, x, out, align, scales);
        CpuStorage xs = CpuNn.st(x), os = CpuNn.st(out);
        int D = x.size(2), H = x.size(3), W = x.size(4), OD = out.size(2), OH = out.size(3), OW = out.size(4);
        int planes = x.size(0) * x.size(1), xo = x.offset(), oo = out.offset();
        Parallel.forRange(planes, 1, (a, b) -> {
            for (int pl = a; pl < b; pl++) {
                int xb = xo + pl * D * H * W, ob = oo + pl * OD * OH * OW;
                for (int od = 0; od < OD; od++)
                    for (int oh = 0; oh < OH; oh++)
                        for (int ow = 0; ow < OW; ow++) {
                            double v = 0;
                            for (int t = 0; t < 8; t++) {
                                double w = weight(ax[0], od, t >> 2) * weight(ax[1], oh, (t >> 1) & 1) * weight(ax[2], ow, t & 1);
                                if (w == 0 && mode != InterpMode.LINEAR) continue;
                                v += w * xs.getDouble(xb + (tap(ax[0], od, t >> 2) * H + tap(ax[1], oh, (t >> 1) & 1)) * W + tap(ax[2], ow, t & 1));
                            }
                            os.setDouble(ob + (od * OH + oh) * OW + ow, v);
                        }
            }
        });
    }

    static void backwardRef(InterpMode mode, Tensor gOut, Tensor gIn, boolean align, double[] scales) {
        InterpCoords[] ax = axes(mode, gIn, gOut, align, scales);
        CpuStorage gs = CpuNn.st(gOut), is = CpuNn.st(gIn);
        int D = gIn.size(2), H = gIn.size(3), W = gIn.size(4), OD = gOut.size(2), OH = gOut.size(3), OW = gOut.size(4);
        int planes = gIn.size(0) * gIn.size(1), go = gOut.offset(), io = gIn.offset();
        Parallel.forRange(planes, 1, (a, b) -> {
            double[] acc = new double[D * H * W];
            for (int pl = a; pl < b; pl++) {
                java.util.Arrays.fill(acc, 0);
                int gb = go + pl * OD * OH * OW;
                for (int od = 0; od < OD; od++)
                    for (int oh = 0; oh < OH; oh++)
                        for (int ow = 0; ow < OW; ow++) {
                            double g = gs.getDouble(gb + (od * OH + oh) * OW + ow);
                            for (int t = 0; t < 8; t++) {
                                double w = weight(ax[0], od, t >> 2) * weight(ax[1], oh, (t >> 1) & 1) * weight(ax[2], ow, t & 1);
                                if (w == 0 && mode != InterpMode.LINEAR) continue;
                                acc[(tap(ax[0], od, t >> 2) * H + tap(ax[1], oh, (t >> 1) & 1)) * W + tap(ax[2], ow, t & 1)] += w * g;
                            }
                        }
                int ib = io + pl * D * H * W;
                for (int i = 0; i < acc.length; i++) is.setDouble(ib + i, acc[i]);
            }
        });
    }

    private static double weight(InterpCoords c, int o, int which) { return which == 0 ? c.w0[o] : c.w1[o]; }
    private static int tap(InterpCoords c, int o, int which) { return which == 0 ? c.i0[o] : c.i1[o]; }

    // ------------------------------------------------------------------ F32 (nearest; linear lives in CpuInterpolateLinear)

    static void forwardF32(InterpMode mode, Tensor x, Tensor out, boolean align, double[] scales) {
        InterpCoords[] ax = axes(mode, x, out, align, scales);
        if (mode == InterpMode.LINEAR) { CpuInterpolateLinear.forward(ax, x, out); return; }
        InterpCoords td = ax[0], th = ax[1];
        int[] iw = ax[2].i0;
        float[] xa = CpuNn.st(x).f32(), oa = CpuNn.st(out).f32();
        int D = x.size(2), H = x.size(3), W = x.size(4), OD = out.size(2), OH = out.size(3), OW = out.size(4);
        int planes = x.size(0) * x.size(1), xo = x.offset(), oo = out.offset();
        Parallel.forRange(planes * OD, Math.max(1, 16384 / Math.max(1, OH * OW)), (a, b) -> {
            for (int u = a; u < b; u++) {
                int pl = u / OD, od = u % OD;
                int xb = xo + (pl * D + td.i0[od]) * H * W, ob = oo + (pl * OD + od) * OH * OW;
                for (int oh = 0; oh < OH; oh++) gatherRow(xa, xb + th.i0[oh] * W, oa, ob + oh * OW, OW, iw);
            }
        });
    }

    static void backwardF32(InterpMode mode, Tensor gOut, Tensor gIn, boolean align, double[] scales) {
        InterpCoords[] ax = axes(mode, gIn, gOut, align, scales);
        if (mode == InterpMode.LINEAR) { CpuInterpolateLinear.backward(ax, gOut, gIn); return; }
        InterpCoords td = ax[0], th = ax[1];
        int[] iw = ax[2].i0;
        float[] ga = CpuNn.st(gOut).f32(), ia = CpuNn.st(gIn).f32();
        int D = gIn.size(2), H = gIn.size(3), W = gIn.size(4), OD = gOut.size(2), OH = gOut.size(3), OW = gOut.size(4);
        int planes = gIn.size(0) * gIn.size(1), go = gOut.offset(), io = gIn.offset();
        Parallel.forRange(planes, Math.max(1, 16384 / Math.max(1, OD * OH * OW)), (a, b) -> {
            for (int pl = a; pl < b; pl++) {
                int ib = io + pl * D * H * W;
                java.util.Arrays.fill(ia, ib, ib + D * H * W, 0f);
                for (int od = 0; od < OD; od++)
                    for (int oh = 0; oh < OH; oh++)
                        scatterRow(ga, go + ((pl * OD + od) * OH + oh) * OW, ia, ib + (td.i0[od] * H + th.i0[oh]) * W, OW, iw);
            }
        });
    }

    private static void gatherRow(float[] x, int r, float[] out, int q, int n, int[] iw) {
        for (int ow = 0; ow < n; ow++) out[q + ow] = x[r + iw[ow]];
    }

    private static void scatterRow(float[] g, int q, float[] gi, int r, int n, int[] iw) {
        for (int ow = 0; ow < n; ow++) gi[r + iw[ow]] += g[q + ow];
    }
}
