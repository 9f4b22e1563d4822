package ssvae.vae.video;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class FrameConvertTest {
    @Test void lookupTableMatchesTheFormulaForEveryByteAndLayout() {
        int pixels = 7 * 5;  // odd size
        byte[] rgb = new byte[pixels * 3];
        new SplittableRandom(3).nextBytes(rgb);
        for (int v = 0; v < 256; v++) rgb[v % rgb.length] = (byte) v;  // cover all byte values over the loop below
        int frames = 3, stride = frames * pixels;
        float[] dst = new float[3 * stride];
        for (int t = 0; t < frames; t++) FrameConvert.toPlanar(rgb, pixels, dst, t * pixels, stride, true);
        for (int t = 0; t < frames; t++)
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < pixels; i++) {
                    int v = rgb[3 * i + c] & 0xFF;
                    assertEquals((float) (v / 127.5 - 1.0), dst[c * stride + t * pixels + i]);
                }
        float[] raw = new float[3 * pixels];
        FrameConvert.toPlanar(rgb, pixels, raw, 0, pixels, false);
        for (int i = 0; i < pixels; i++) assertEquals(rgb[3 * i + 1] & 0xFF, raw[pixels + i]);
    }

    @Test void allByteValuesRoundTripAndSaveVideoTruncates() {
        int pixels = 256;
        byte[] rgb = new byte[pixels * 3];
        for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) (i / 3);
        float[] f = new float[3 * pixels];
        FrameConvert.toPlanar(rgb, pixels, f, 0, pixels, true);
        byte[] back = new byte[rgb.length];
        FrameConvert.fromPlanarSigned(f, 0, pixels, pixels, back);
        // (v/127.5 - 1 + 1) * 127.5 can land a hair under v in float; the byte cast truncates like torch .byte()
        for (int i = 0; i < rgb.length; i++) {
            int want = rgb[i] & 0xFF, got = back[i] & 0xFF;
            float exact = (f[i % 3 * pixels + i / 3] + 1f) * 127.5f;
            assertEquals((int) Math.max(0, Math.min(255, exact)), got);
            assertTrue(Math.abs(want - got) <= 1);
        }
        float[] extremes = {-3f, 3f, Float.NaN, 0.999f, -1f, 1f};
        byte[] out = new byte[6 * 3];
        float[] planar = new float[18];
        for (int c = 0; c < 3; c++) System.arraycopy(extremes, 0, planar, c * 6, 6);
        FrameConvert.fromPlanarSigned(planar, 0, 6, 6, out);
        int[] want = {0, 255, 0, 254, 0, 255};  // (0.999+1)*127.5 = 254.87 -> 254
        for (int i = 0; i < 6; i++) assertEquals(want[i], out[3 * i] & 0xFF, "value " + extremes[i]);
    }
}
