package ssvae.vae.data;

/**
 * Image resampling of planar float frames, separable, matching the two resizes the official loaders use:
 * <ul>
 *   <li>{@link #bilinear}: {@code F.interpolate(mode="bilinear", align_corners=False)} without antialiasing
 *       (reconstruction.py): source x = (i + 0.5) * in/out - 0.5, clamped at 0, two taps.</li>
 *   <li>{@link #bicubicAntialias}: torchvision {@code resize(..., BICUBIC)} on float tensors (images after
 *       ToTensor), whose default antialias=True runs ATen's {@code _upsample_bicubic2d_aa}: PIL's filter
 *       (a = -0.5) stretched by the scale when shrinking, support 2 * max(scale, 1), weights normalised per output
 *       pixel.</li>
 *   <li>{@link #bicubicAntialiasU8}: the same resize on uint8 tensors (decoded video frames), which ATen runs
 *       in fixed point with int16 weights and a byte result after each pass.</li>
 * </ul>
 * Both can produce just a window of the output (a crop), so resize-then-crop costs only the kept pixels.
 */
public final class Resample {
    private Resample() {}

    /** Output index i reads weights[i][k] * src[first[i] + k]. */
    record Taps(int[] first, float[][] weights) {}

    /** Bilinear (align_corners=False) taps for outputs [start, start+count) of an in -> out resize. */
    static Taps bilinearTaps(int in, int out, int start, int count) {
        double scale = (double) in / out;
        int[] first = new int[count];
        float[][] w = new float[count][];
        for (int j = 0; j < count; j++) {
            int i = start + j;
            double src = Math.max((i + 0.5) * scale - 0.5, 0.0);
            int i0 = Math.min((int) src, in - 1);
            int i1 = Math.min(i0 + 1, in - 1);
            float l1 = (float) (src - i0), l0 = 1f - l1;
            first[j] = i0;
            w[j] = i1 == i0 ? new float[] {l0 + l1} : new float[] {l0, l1};
        }
        return new Taps(first, w);
    }

    /** ATen HelperInterpCubic::aa_filter (a = -0.5, PIL's), in cubic_convolution1/2's operation order. */
    static double cubic(double x) {
        final double a = -0.5;
        x = Math.abs(x);
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        return 0;
    }

    /** Normalised double weights of output i (ATen _compute_indices_min_size_weights_aa); first index in [0]. */
    private static double[] aaWeights(int in, int out, int i, int[] firstOut) {
        double scale = (double) in / out;
        double support = 2.0 * Math.max(scale, 1.0);
        double invscale = scale >= 1.0 ? 1.0 / scale : 1.0;
        double center = scale * (i + 0.5);
        int xmin = Math.max((int) (center - support + 0.5), 0);
        int xsize = Math.max(0, Math.min((int) (center + support + 0.5), in) - xmin);
        double[] w = new double[xsize];
        double total = 0;
        for (int k = 0; k < xsize; k++) {
            w[k] = cubic((k + xmin - center + 0.5) * invscale);
            total += w[k];
        }
        if (total != 0) for (int k = 0; k < xsize; k++) w[k] /= total;
        firstOut[0] = xmin;
        return w;
    }

    /** Fixed-point taps of the uint8 path: int16 weights scaled by 2^precision. */
    record IntTaps(int[] first, int[][] weights, int precision) {}

    /**
     * ATen _compute_index_ranges_int16_weights for outputs [start, start+count): the precision is the largest
     * number of bits (at most 22) at which the axis's largest weight still fits in int16, weights are rounded
     * half away from zero.
     */
    static IntTaps bicubicAAIntTaps(int in, int out, int start, int count) {
        int[] f = new int[1];
        double wtMax = 0;
        for (int i = 0; i < out; i++) for (double w : aaWeights(in, out, i, f)) wtMax = Math.max(wtMax, w);
        int precision;
        for (precision = 0; precision < 22; precision++) {
            int next = (int) (0.5 + wtMax * (1 << (precision + 1)));
            if (next >= (1 << 15)) break;
        }
        int[] first = new int[count];
        int[][] weights = new int[count][];
        for (int j = 0; j < count; j++) {
            double[] w = aaWeights(in, out, start + j, f);
            first[j] = f[0];
            weights[j] = new int[w.length];
            for (int k = 0; k < w.length; k++) {
                double v = w[k] * (1 << precision);
                weights[j][k] = v < 0 ? (int) (-0.5 + v) : (int) (0.5 + v);
            }
        }
        return new IntTaps(first, weights, precision);
    }

    /**
     * The uint8 antialiased bicubic resize of torch (F.interpolate on a uint8 tensor, as torchvision's resize
     * runs on decoded video frames), for planes [n][inH][inW] holding byte values 0..255, keeping the window
     * (top, left, cropH, cropW) of the outH x outW result. Horizontal pass first, then vertical, each skipped when
     * that size does not change; each pass accumulates w_int * pixel from 2^(precision-1) in integers, shifts
     * right by the precision and clamps to 0..255 (ATen basic_loop_aa_horizontal/vertical&lt;uint8_t&gt;).
     */
    public static float[] bicubicAntialiasU8(float[] src, int n, int inH, int inW, int outH, int outW,
                                             int top, int left, int cropH, int cropW) {
        boolean needH = inW != outW, needV = inH != outH;
        IntTaps cols = needH ? bicubicAAIntTaps(inW, outW, left, cropW) : null;
        IntTaps rows = needV ? bicubicAAIntTaps(inH, outH, top, cropH) : null;
        // source rows the vertical pass reads (or the cropped rows when there is no vertical pass)
        int r0, r1;
        if (needV) {
            r0 = Integer.MAX_VALUE;
            r1 = -1;
            for (int j = 0; j < cropH; j++) {
                r0 = Math.min(r0, rows.first()[j]);
                r1 = Math.max(r1, rows.first()[j] + rows.weights()[j].length - 1);
            }
        } else {
            r0 = top;
            r1 = top + cropH - 1;
        }
        int midRows = r1 - r0 + 1;
        int[] mid = new int[midRows * cropW];
        float[] dst = new float[n * cropH * cropW];
        for (int p = 0; p < n; p++) {
            int so = p * inH * inW;
            for (int y = r0; y <= r1; y++) {
                int ro = so + y * inW, mo = (y - r0) * cropW;
                if (!needH) {
                    for (int x = 0; x < cropW; x++) mid[mo + x] = (int) src[ro + left + x];
                    continue;
                }
                int half = 1 << (cols.precision() - 1);
                for (int x = 0; x < cropW; x++) {
                    int[] w = cols.weights()[x];
                    int fi = ro + cols.first()[x];
                    int acc = half;
                    for (int k = 0; k < w.length; k++) acc += w[k] * (int) src[fi + k];
                    mid[mo + x] = clampByte(acc >> cols.precision());
                }
            }
            int dp = p * cropH * cropW;
            for (int y = 0; y < cropH; y++) {
                int o = dp + y * cropW;
                if (!needV) {
                    int mo = y * cropW;
                    for (int x = 0; x < cropW; x++) dst[o + x] = mid[mo + x];
                    continue;
                }
                int[] w = rows.weights()[y];
                int fr = rows.first()[y] - r0;
                int half = 1 << (rows.precision() - 1);
                for (int x = 0; x < cropW; x++) {
                    int acc = half;
                    for (int k = 0; k < w.length; k++) acc += w[k] * mid[(fr + k) * cropW + x];
                    dst[o + x] = clampByte(acc >> rows.precision());
                }
            }
        }
        return dst;
    }

    private static int clampByte(int v) { return v < 0 ? 0 : Math.min(v, 255); }

    /** Antialiased bicubic taps (ATen _compute_weights_aa) for outputs [start, start+count) of an in -> out resize. */
    static Taps bicubicAATaps(int in, int out, int start, int count) {
        double scale = (double) in / out;
        double support = 2.0 * Math.max(scale, 1.0);
        double invscale = scale >= 1.0 ? 1.0 / scale : 1.0;
        int[] first = new int[count];
        float[][] w = new float[count][];
        for (int j = 0; j < count; j++) {
            int i = start + j;
            double center = scale * (i + 0.5);
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xsize = Math.min((int) (center + support + 0.5), in) - xmin;
            double[] ww = new double[xsize];
            double total = 0;
            for (int k = 0; k < xsize; k++) {
                ww[k] = cubic((k + xmin - center + 0.5) * invscale);
                total += ww[k];
            }
            float[] wf = new float[xsize];
            for (int k = 0; k < xsize; k++) wf[k] = (float) (total != 0 ? ww[k] / total : 0);
            first[j] = xmin;
            w[j] = wf;
        }
        return new Taps(first, w);
    }

    /**
     * Resizes one plane src[srcOff .. + inH*inW) (row-major) with separable taps and writes the window
     * rows [top, top+outRows) x cols [left, left+outCols) of the resized image into dst[dstOff ..] (row-major,
     * outCols wide). Horizontal pass first, then vertical.
     */
    static void resizePlane(float[] src, int srcOff, int inH, int inW, Taps rows, Taps cols,
                            float[] dst, int dstOff, float[] scratch) {
        int outRows = rows.first().length, outCols = cols.first().length;
        // rows of the source that the vertical taps touch
        int r0 = Integer.MAX_VALUE, r1 = -1;
        for (int j = 0; j < outRows; j++) {
            r0 = Math.min(r0, rows.first()[j]);
            r1 = Math.max(r1, rows.first()[j] + rows.weights()[j].length - 1);
        }
        // horizontal pass over the needed source rows: tmp[(y - r0) * outCols + x]
        for (int y = r0; y <= r1; y++) {
            int so = srcOff + y * inW, to = (y - r0) * outCols;
            for (int x = 0; x < outCols; x++) {
                float[] w = cols.weights()[x];
                int f = so + cols.first()[x];
                float acc = 0;
                for (int k = 0; k < w.length; k++) acc += w[k] * src[f + k];
                scratch[to + x] = acc;
            }
        }
        // vertical pass
        for (int y = 0; y < outRows; y++) {
            float[] w = rows.weights()[y];
            int f = rows.first()[y] - r0;
            int o = dstOff + y * outCols;
            for (int x = 0; x < outCols; x++) dst[o + x] = 0;
            for (int k = 0; k < w.length; k++) {
                float wk = w[k];
                int to = (f + k) * outCols;
                for (int x = 0; x < outCols; x++) dst[o + x] += wk * scratch[to + x];
            }
        }
    }

    /** Scratch floats {@link #resizePlane} needs. */
    static int scratchSize(int inH, Taps cols) { return inH * cols.first().length; }

    /**
     * Bilinear resize (align_corners=False, no antialias) of planes [n][inH][inW] stored back to back in src to
     * [n][outH][outW].
     */
    public static float[] bilinear(float[] src, int n, int inH, int inW, int outH, int outW) {
        Taps rows = bilinearTaps(inH, outH, 0, outH), cols = bilinearTaps(inW, outW, 0, outW);
        return apply(src, n, inH, inW, rows, cols);
    }

    /**
     * Antialiased bicubic resize of planes [n][inH][inW] to [outH][outW], keeping only the window starting at
     * (top, left) of size cropH x cropW: the official resize_for_rectangle_crop in one step.
     */
    public static float[] bicubicAntialias(float[] src, int n, int inH, int inW, int outH, int outW,
                                           int top, int left, int cropH, int cropW) {
        Taps rows = bicubicAATaps(inH, outH, top, cropH), cols = bicubicAATaps(inW, outW, left, cropW);
        return apply(src, n, inH, inW, rows, cols);
    }

    private static float[] apply(float[] src, int n, int inH, int inW, Taps rows, Taps cols) {
        int oh = rows.first().length, ow = cols.first().length;
        float[] dst = new float[n * oh * ow];
        float[] scratch = new float[scratchSize(inH, cols)];
        for (int p = 0; p < n; p++) resizePlane(src, p * inH * inW, inH, inW, rows, cols, dst, p * oh * ow, scratch);
        return dst;
    }
}
