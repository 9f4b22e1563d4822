package ssvae.kernels.cpu;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.InterpMode;
import ssvae.tensor.Tensor;

/**
 * F.interpolate over D, H, W of contiguous N,C,D,H,W tensors (upsample_nearest3d, _upsample_nearest_exact3d,
 * upsample_trilinear3d; 1-D and 2-D inputs arrive with leading size-1 spatial dims, which reduce to the
 * linear/bilinear cases). Each output voxel is sum over the (up to) 8 taps of wd * wh * ww * x, with per-axis taps
 * from {@link InterpCoords}; the backward pass scatters gOut with the same weights into gIn (overwritten).
 * Reference: per-voxel double accumulation, any float dtype. F32: per-axis tables, whole rows, parallel over
 * (plane, output depth) units in the forward pass and over planes in the backward pass.
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

    // ------------------------------------------------------------------ F32

    /** Float tables of one axis: taps and weights. */
    private record Ftab(int[] i0, int[] i1, float[] w0, float[] w1) {
        static Ftab of(InterpCoords c) {
            int n = c.i0.length;
            float[] a = new float[n], b = new float[n];
            for (int i = 0; i < n; i++) { a[i] = (float) c.w0[i]; b[i] = (float) c.w1[i]; }
            return new Ftab(c.i0, c.i1, a, b);
        }
    }

    /**
     * The (up to 4) input rows feeding output row (od, oh) of a plane, as offsets (d * H + h) * W and weights
     * wd * wh; taps that coincide (at the border or with a size-1 axis) are merged. Returns the row count.
     */
    private static int rows(Ftab td, Ftab th, int od, int oh, int H, int W, int[] rb, float[] rw) {
        int n = 0;
        for (int a = 0; a < 2; a++) {
            int d = a == 0 ? td.i0[od] : td.i1[od];
            float wd = a == 0 ? td.w0[od] : td.w1[od];
            for (int b = 0; b < 2; b++) {
                int off = (d * H + (b == 0 ? th.i0[oh] : th.i1[oh])) * W;
                float w = wd * (b == 0 ? th.w0[oh] : th.w1[oh]);
                int k = 0;
                while (k < n && rb[k] != off) k++;
                if (k < n) rw[k] += w;
                else { rb[n] = off; rw[n] = w; n++; }
            }
        }
        return n;
    }

    static void forwardF32(InterpMode mode, Tensor x, Tensor out, boolean align, double[] scales) {
        InterpCoords[] ax = axes(mode, x, out, align, scales);
        Ftab td = Ftab.of(ax[0]), th = Ftab.of(ax[1]), tw = Ftab.of(ax[2]);
        float[] xa = CpuNn.st(x).f32(), oa = CpuNn.st(out).f32();
        int D = x.size(2), H = x.size(3), W = x.size(4), OD = out.size(2), OH = out.size(3), OW = out.size(4);
        int planes = x.size(0) * x.size(1), xo = x.offset(), oo = out.offset();
        int units = planes * OD;
        boolean linear = mode == InterpMode.LINEAR;
        Parallel.forRange(units, Math.max(1, 16384 / Math.max(1, OH * OW)), (a, b) -> {
            int[] rb = new int[4];
            float[] rw = new float[4];
            int[] iw0 = tw.i0, iw1 = tw.i1;
            float[] lw0 = tw.w0, lw1 = tw.w1;
            for (int u = a; u < b; u++) {
                int pl = u / OD, od = u % OD;
                int xb = xo + pl * D * H * W;
                int ob = oo + (pl * OD + od) * OH * OW;
                for (int oh = 0; oh < OH; oh++) {
                    int q = ob + oh * OW;
                    if (!linear) {
                        int src = xb + (td.i0[od] * H + th.i0[oh]) * W;
                        for (int ow = 0; ow < OW; ow++) oa[q + ow] = xa[src + iw0[ow]];
                        continue;
                    }
                    int n = rows(td, th, od, oh, H, W, rb, rw);
                    for (int k = 0; k < n; k++) {
                        int r = xb + rb[k];
                        float w = rw[k];
                        if (k == 0) for (int ow = 0; ow < OW; ow++) oa[q + ow] = w * (lw0[ow] * xa[r + iw0[ow]] + lw1[ow] * xa[r + iw1[ow]]);
                        else for (int ow = 0; ow < OW; ow++) oa[q + ow] += w * (lw0[ow] * xa[r + iw0[ow]] + lw1[ow] * xa[r + iw1[ow]]);
                    }
                }
            }
        });
    }

    static void backwardF32(InterpMode mode, Tensor gOut, Tensor gIn, boolean align, double[] scales) {
        InterpCoords[] ax = axes(mode, gIn, gOut, align, scales);
        Ftab td = Ftab.of(ax[0]), th = Ftab.of(ax[1]), tw = Ftab.of(ax[2]);
        float[] ga = CpuNn.st(gOut).f32(), ia = CpuNn.st(gIn).f32();
        int D = gIn.size(2), H = gIn.size(3), W = gIn.size(4), OD = gOut.size(2), OH = gOut.size(3), OW = gOut.size(4);
        int planes = gIn.size(0) * gIn.size(1), go = gOut.offset(), io = gIn.offset();
        boolean linear = mode == InterpMode.LINEAR;
        Parallel.forRange(planes, Math.max(1, 16384 / Math.max(1, OD * OH * OW)), (a, b) -> {
            int[] rb = new int[4];
            float[] rw = new float[4];
            int[] iw0 = tw.i0, iw1 = tw.i1;
            float[] lw0 = tw.w0, lw1 = tw.w1;
            for (int pl = a; pl < b; pl++) {
                int ib = io + pl * D * H * W;
                java.util.Arrays.fill(ia, ib, ib + D * H * W, 0f);
                for (int od = 0; od < OD; od++)
                    for (int oh = 0; oh < OH; oh++) {
                        int q = go + ((pl * OD + od) * OH + oh) * OW;
                        if (!linear) {
                            int dst = ib + (td.i0[od] * H + th.i0[oh]) * W;
                            for (int ow = 0; ow < OW; ow++) ia[dst + iw0[ow]] += ga[q + ow];
                            continue;
                        }
                        int n = rows(td, th, od, oh, H, W, rb, rw);
                        for (int k = 0; k < n; k++) {
                            int r = ib + rb[k];
                            float w = rw[k];
                            for (int ow = 0; ow < OW; ow++) {
                                float g = w * ga[q + ow];
                                ia[r + iw0[ow]] += lw0[ow] * g;
                                ia[r + iw1[ow]] += lw1[ow] * g;
                            }
                        }
                    }
            }
        });
    }
}
