package ssvae.kernels.cpu;

import ssvae.tensor.DType;
import ssvae.tensor.InterpMode;

/**
 * Source coordinates of one resampled axis, exactly as PyTorch's aten/src/ATen/native/UpSample.h computes them:
 * nearest_idx (legacy 'nearest': out == in copies, out == 2 * in shifts, else min(floorf(dst * scale), in - 1) in
 * float), nearest_exact_idx (min(floorf((dst + 0.5) * scale), in - 1)), and for 'linear' area_pixel_compute_scale /
 * area_pixel_compute_source_index (align_corners: (in - 1)/(out - 1) * dst; otherwise scale * (dst + 0.5) - 0.5
 * clamped at 0) followed by guard_index_and_lambda. Linear coordinates use the op-math type: float for
 * F32/BF16/F16 tensors, double for F64, as PyTorch does.
 * For each output index: i0 (nearest source, or the left linear tap), i1 (right tap, i0 at the last input
 * index) and their weights w0, w1 (w0 = 1, w1 = 0 for nearest).
 */
final class InterpCoords {
    final int[] i0, i1;
    final double[] w0, w1;
    /** w0, w1 as floats (the F32 kernels' tables). */
    final float[] f0, f1;

    private InterpCoords(int out) {
        i0 = new int[out]; i1 = new int[out]; w0 = new double[out]; w1 = new double[out]; f0 = new float[out]; f1 = new float[out];
    }

    /** scale: source/target ratio (1/scale_factor when given, else in/out); ignored by align_corners linear. */
    static InterpCoords of(InterpMode mode, int in, int out, double scale, boolean alignCorners, DType dtype) {
        InterpCoords c = new InterpCoords(out);
        for (int o = 0; o < out; o++) {
            switch (mode) {
                case NEAREST -> { c.i0[o] = c.i1[o] = nearest(o, in, out, scale); c.w0[o] = 1; }
                case NEAREST_EXACT -> { c.i0[o] = c.i1[o] = nearestExact(o, in, scale); c.w0[o] = 1; }
                case LINEAR -> {
                    if (dtype == DType.F64) linearD(c, o, in, out, scale, alignCorners);
                    else linearF(c, o, in, out, scale, alignCorners);
                }
            }
        }
        for (int o = 0; o < out; o++) { c.f0[o] = (float) c.w0[o]; c.f1[o] = (float) c.w1[o]; }
        return c;
    }

    /** Weight of input index i for output o (both taps added when they coincide). */
    float weightOf(int o, int i) { return (i0[o] == i ? f0[o] : 0f) + (i1[o] == i ? f1[o] : 0f); }

    static int nearest(int dst, int in, int out, double scale) {
        if (out == in) return dst;
        if (out == 2 * in) return dst >> 1;
        float s = (float) scale;
        float v = dst * s;
        return Math.min((int) Math.floor(v), in - 1);
    }

    static int nearestExact(int dst, int in, double scale) {
        float s = (float) scale;
        float v = (float) ((dst + 0.5) * s);
        return Math.min((int) Math.floor(v), in - 1);
    }

    private static void linearF(InterpCoords c, int o, int in, int out, double scale, boolean align) {
        float s = align ? (out > 1 ? (float) (in - 1) / (out - 1) : 0f) : (float) scale;
        float src = align ? s * o : s * (o + 0.5f) - 0.5f;
        if (!align && src < 0) src = 0;
        int i = Math.min((int) Math.floor(src), in - 1);
        float l1 = Math.min(Math.max(src - i, 0f), 1f);
        c.i0[o] = i;
        c.i1[o] = i < in - 1 ? i + 1 : i;
        c.w1[o] = l1;
        c.w0[o] = 1f - l1;
    }

    private static void linearD(InterpCoords c, int o, int in, int out, double scale, boolean align) {
        double s = align ? (out > 1 ? (double) (in - 1) / (out - 1) : 0) : scale;
        double src = align ? s * o : s * (o + 0.5) - 0.5;
        if (!align && src < 0) src = 0;
        int i = Math.min((int) Math.floor(src), in - 1);
        double l1 = Math.min(Math.max(src - i, 0), 1);
        c.i0[o] = i;
        c.i1[o] = i < in - 1 ? i + 1 : i;
        c.w1[o] = l1;
        c.w0[o] = 1 - l1;
    }
}
