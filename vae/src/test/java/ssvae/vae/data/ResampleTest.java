package ssvae.vae.data;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class ResampleTest {
    /** PIL's bicubic (a = -0.5), written independently for the reference below. */
    static double pilCubic(double x) {
        x = Math.abs(x);
        if (x < 1) return 1.5 * x * x * x - 2.5 * x * x + 1;
        if (x < 2) return -0.5 * x * x * x + 2.5 * x * x - 4 * x + 2;
        return 0;
    }

    /** Weights of output o along one axis, over all input positions (PIL ImagingResample, in double). */
    static double[] weights(int in, int out, int o) {
        double scale = (double) in / out, ss = Math.max(scale, 1);
        double center = (o + 0.5) * scale;
        double[] w = new double[in];
        double sum = 0;
        for (int i = 0; i < in; i++) {
            double d = (i + 0.5 - center) / ss;  // distance between pixel centres in filter units
            if (Math.abs(d) < 2) { w[i] = pilCubic(d); sum += w[i]; }
        }
        for (int i = 0; i < in; i++) w[i] /= sum;
        return w;
    }

    /** Plain 2-D loop: out(y, x) = sum_ij wy(i) wx(j) in(i, j), no rounding. */
    static double ref(float[] src, int inH, int inW, int outH, int outW, int y, int x) {
        double[] wy = weights(inH, outH, y), wx = weights(inW, outW, x);
        double s = 0;
        for (int i = 0; i < inH; i++) for (int j = 0; j < inW; j++) s += wy[i] * wx[j] * src[i * inW + j];
        return s;
    }

    @Test void bicubicAntialiasMatchesThePlainLoopOnOddShapes() {
        SplittableRandom r = new SplittableRandom(5);
        int[][] cases = {{37, 53, 16, 23}, {15, 9, 31, 20}, {20, 20, 20, 20}, {33, 7, 8, 7}};
        for (int[] c : cases) {
            int inH = c[0], inW = c[1], outH = c[2], outW = c[3];
            float[] src = new float[2 * inH * inW];
            for (int i = 0; i < src.length; i++) src[i] = (float) r.nextDouble(-1, 1);
            float[] got = Resample.bicubicAntialias(src, 2, inH, inW, outH, outW, 0, 0, outH, outW, false);
            for (int y = 0; y < outH; y++)
                for (int x = 0; x < outW; x++) {
                    double want = ref(src, inH, inW, outH, outW, y, x);
                    assertEquals(want, got[y * outW + x], 1e-5 + 1e-5 * Math.abs(want), "case " + java.util.Arrays.toString(c) + " at " + y + "," + x);
                }
            // the second plane is resized independently
            float[] second = java.util.Arrays.copyOfRange(src, inH * inW, 2 * inH * inW);
            assertEquals(ref(second, inH, inW, outH, outW, outH - 1, outW - 1), got[2 * outH * outW - 1], 1e-5);
        }
    }

    @Test void cropWindowEqualsCroppingTheFullResize() {
        SplittableRandom r = new SplittableRandom(6);
        float[] src = new float[3 * 30 * 41];
        for (int i = 0; i < src.length; i++) src[i] = r.nextInt(256);
        float[] full = Resample.bicubicAntialias(src, 3, 30, 41, 19, 26, 0, 0, 19, 26, true);
        float[] crop = Resample.bicubicAntialias(src, 3, 30, 41, 19, 26, 2, 5, 13, 17, true);
        for (int p = 0; p < 3; p++)
            for (int y = 0; y < 13; y++)
                for (int x = 0; x < 17; x++) assertEquals(full[p * 19 * 26 + (y + 2) * 26 + x + 5], crop[p * 13 * 17 + y * 17 + x]);
        for (float v : full) assertTrue(v == Math.rint(v) && v >= 0 && v <= 255, "rounded to a byte value: " + v);
    }

    @Test void sameSizeIsTheIdentity() {
        float[] src = new float[4 * 6];
        for (int i = 0; i < src.length; i++) src[i] = i * 1.5f - 7;
        assertArrayEquals(src, Resample.bicubicAntialias(src, 1, 4, 6, 4, 6, 0, 0, 4, 6, false), 1e-6f);
        assertArrayEquals(src, Resample.bilinear(src, 1, 4, 6, 4, 6), 1e-6f);
    }

    @Test void bilinearHalvingAveragesTwoByTwoBlocks() {
        // align_corners=False, scale 2: source x = 2i + 0.5, so each output is the mean of a 2x2 block
        int h = 6, w = 10;
        float[] src = new float[h * w];
        for (int i = 0; i < src.length; i++) src[i] = (i * 37) % 11;
        float[] out = Resample.bilinear(src, 1, h, w, 3, 5);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 5; x++) {
                float want = (src[2 * y * w + 2 * x] + src[2 * y * w + 2 * x + 1] + src[(2 * y + 1) * w + 2 * x] + src[(2 * y + 1) * w + 2 * x + 1]) / 4;
                assertEquals(want, out[y * 5 + x], 1e-6);
            }
    }

    @Test void bilinearUpscaleClampsAtTheBorder() {
        float[] src = {0, 10};
        float[] out = Resample.bilinear(src, 1, 1, 2, 1, 4);
        // x_src = (i + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (right neighbour clamped)
        assertArrayEquals(new float[] {0, 2.5f, 7.5f, 10}, out, 1e-6f);
    }
}
