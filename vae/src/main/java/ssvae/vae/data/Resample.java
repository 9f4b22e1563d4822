package ssvae.vae.data;

/**
 * Image resampling of planar float frames, separable, matching the two resizes the official loaders use:
 * <ul>
 *   <li>{@link #bilinear}: {@code F.interpolate(mode="bilinear", align_corners=False)} without antialiasing
 *       (reconstruction.py): source x = (i + 0.5) * in/out - 0.5, clamped at 0, two taps.</li>
 *   <li>{@link #bicubicAntialias}: torchvision {@code resize(..., BICUBIC)} on tensors, whose default
 *       antialias=True runs ATen's {@code _upsample_bicubic2d_aa}: PIL's filter (a = -0.5) stretched by the scale
 *       when shrinking, support 2 * max(scale, 1), weights normalised per output pixel. For uint8 input torch
 *       rounds after each pass (horizontal first, then vertical) like PIL; pass {@code roundToByte} to mirror it.</li>
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

    /** PIL/ATen antialiased bicubic filter, a = -0.5. */
    static double cubic(double x) {
        final double a = -0.5;
        x = Math.abs(x);
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

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
     * outCols wide). Horizontal pass first, then vertical; with roundToByte each pass rounds and clamps to 0..255.
     */
    static void resizePlane(float[] src, int srcOff, int inH, int inW, Taps rows, Taps cols,
                            float[] dst, int dstOff, boolean roundToByte, float[] scratch) {
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
                scratch[to + x] = roundToByte ? toByte(acc) : acc;
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
            if (roundToByte) for (int x = 0; x < outCols; x++) dst[o + x] = toByte(dst[o + x]);
        }
    }

    /** Scratch floats {@link #resizePlane} needs. */
    static int scratchSize(int inH, Taps cols) { return inH * cols.first().length; }

    private static float toByte(float v) {
        float r = (float) Math.rint(v);
        return r < 0 ? 0 : Math.min(r, 255);
    }

    /**
     * Bilinear resize (align_corners=False, no antialias) of planes [n][inH][inW] stored back to back in src to
     * [n][outH][outW].
     */
    public static float[] bilinear(float[] src, int n, int inH, int inW, int outH, int outW) {
        Taps rows = bilinearTaps(inH, outH, 0, outH), cols = bilinearTaps(inW, outW, 0, outW);
        return apply(src, n, inH, inW, rows, cols, false);
    }

    /**
     * Antialiased bicubic resize of planes [n][inH][inW] to [outH][outW], keeping only the window starting at
     * (top, left) of size cropH x cropW: the official resize_for_rectangle_crop in one step.
     */
    public static float[] bicubicAntialias(float[] src, int n, int inH, int inW, int outH, int outW,
                                           int top, int left, int cropH, int cropW, boolean roundToByte) {
        Taps rows = bicubicAATaps(inH, outH, top, cropH), cols = bicubicAATaps(inW, outW, left, cropW);
        return apply(src, n, inH, inW, rows, cols, roundToByte);
    }

    private static float[] apply(float[] src, int n, int inH, int inW, Taps rows, Taps cols, boolean round) {
        int oh = rows.first().length, ow = cols.first().length;
        float[] dst = new float[n * oh * ow];
        float[] scratch = new float[scratchSize(inH, cols)];
        for (int p = 0; p < n; p++) resizePlane(src, p * inH * inW, inH, inW, rows, cols, dst, p * oh * ow, round, scratch);
        return dst;
    }
}
