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
            float[] got = Resample.bicubicAntialias(src, 2, inH, inW, outH, outW, 0, 0, outH, outW);
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

    /**
     * Expected bytes from vae/src/test/python/reference_resize_u8.py, a plain-Python transcription of ATen's uint8
     * antialiased bicubic path (int16 weights, horizontal then vertical pass, each skipped when that size is kept).
     */
    @Test void uint8PathMatchesTheFixedPointReference() {
        String[][] cases = {
                {"9,13,5,7", "26,46,66,87,108,128,148,90,110,129,157,180,199,219,163,186,212,178,187,114,75,195,158,89,44,42,65,85,36,51,63,93,116,136,156"},
                {"10,6,4,6", "35,46,57,68,79,90,130,141,152,167,178,189,163,174,185,97,108,119,48,59,70,74,85,96"},
                {"7,5,11,8", "1,6,14,21,27,34,42,47,17,22,30,37,43,50,58,63,44,49,57,64,70,77,85,90,68,73,81,88,94,101,109,114,91,96,104,111,117,124,132,137,115,120,128,135,141,148,156,161,139,144,152,159,165,172,180,185,162,167,175,182,190,202,210,215,186,191,199,205,214,228,237,241,213,218,226,238,198,102,97,109,229,234,242,255,181,0,0,1"},
                {"30,53,17,29", "25,44,65,85,105,125,145,174,196,212,215,139,92,23,50,70,90,110,130,153,182,200,218,177,134,116,30,56,75,88,107,128,152,174,196,217,166,178,96,63,44,67,93,113,132,157,180,205,198,159,160,62,55,46,71,98,119,138,158,180,210,185,194,134,79,39,47,73,95,120,141,163,190,215,199,187,89,66,31,55,79,102,125,148,168,195,218,205,172,102,49,37,58,76,103,125,146,168,198,204,207,120,111,68,41,61,83,111,131,151,177,203,195,215,142,109,41,52,57,86,109,129,149,178,196,209,216,141,99,39,48,62,89,114,134,157,186,203,218,178,133,53,48,57,67,92,112,134,159,182,202,222,168,135,48,67,48,71,97,118,140,166,186,211,201,156,157,60,55,50,80,102,124,144,164,186,215,185,192,131,77,42,53,80,101,125,147,169,197,207,174,188,86,66,35,59,85,107,130,153,176,203,222,205,171,98,50,40,62,82,109,130,152,179,205,207,206,120,87,28,48,67,89,116,137,157,182,209,200,181,89,111,42,54,63,92,115,134,155,184,201,214,155,127,98,40,53,70,99,119,139,163,192,200,219,177,129,54,45,55,74,98,117,139,165,187,206,225,166,133,48,47,50,76,103,124,145,172,192,215,202,156,81,52,58,55,86,108,130,153,170,191,220,187,167,65,81,46,58,86,108,130,154,175,202,211,172,186,84,65,40,68,91,113,135,159,181,210,190,204,169,95,52,43,68,88,114,136,158,185,207,187,207,117,85,32,52,72,95,121,142,164,193,214,200,180,89,60,43,57,69,97,120,140,165,192,206,215,153,113,37,46,58,76,105,125,145,168,198,204,205,115,129,54,47,60,85,103,123,144,171,193,213,184,144,132,47,50,57,87,109,129,151,178,196,218,203,152,80,48,44,62,91,114,135,159,176,199,224,187,164,65,54,39,64,92,114,135,160,181,206,214,175,118,60,68,45,74,97,120,142,166,187,215,190,194,93,96,55,49,74,98,122,141,162,188,210,185,204,114,83,36,58,80,102,128,147,168,198,198,187,178,86,62,42,54,73,101,124,144,164,184,204,231,160,114,37,46,61,80,109,129,149,169,190,211,219,122,85,27,51,64,89"},
        };
        for (String[] c : cases) {
            int[] d = java.util.Arrays.stream(c[0].split(",")).mapToInt(Integer::parseInt).toArray();
            int ih = d[0], iw = d[1], oh = d[2], ow = d[3];
            float[] src = new float[ih * iw];
            for (int y = 0; y < ih; y++) for (int x = 0; x < iw; x++) src[y * iw + x] = (y * 37 + x * 11 + 5) % 256;
            float[] got = Resample.bicubicAntialiasU8(src, 1, ih, iw, oh, ow, 0, 0, oh, ow);
            int[] want = java.util.Arrays.stream(c[1].split(",")).mapToInt(Integer::parseInt).toArray();
            assertEquals(want.length, got.length, c[0]);
            for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], c[0] + " at " + i);
        }
    }

    @Test void uint8CropWindowEqualsCroppingTheFullResize() {
        SplittableRandom r = new SplittableRandom(6);
        float[] src = new float[3 * 30 * 41];
        for (int i = 0; i < src.length; i++) src[i] = r.nextInt(256);
        float[] full = Resample.bicubicAntialiasU8(src, 3, 30, 41, 19, 26, 0, 0, 19, 26);
        float[] crop = Resample.bicubicAntialiasU8(src, 3, 30, 41, 19, 26, 2, 5, 13, 17);
        for (int p = 0; p < 3; p++)
            for (int y = 0; y < 13; y++)
                for (int x = 0; x < 17; x++) assertEquals(full[p * 19 * 26 + (y + 2) * 26 + x + 5], crop[p * 13 * 17 + y * 17 + x]);
        // within 2 levels of the exact (double, unrounded) resize
        for (int y = 0; y < 19; y++)
            for (int x = 0; x < 26; x++) {
                double exact = ref(src, 30, 41, 19, 26, y, x);
                assertEquals(Math.max(0, Math.min(255, exact)), full[y * 26 + x], 2.0, "at " + y + "," + x);
            }
    }

    @Test void sameSizeIsTheIdentity() {
        float[] src = new float[4 * 6];
        for (int i = 0; i < src.length; i++) src[i] = i * 1.5f - 7;
        assertArrayEquals(src, Resample.bicubicAntialias(src, 1, 4, 6, 4, 6, 0, 0, 4, 6), 1e-6f);
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
