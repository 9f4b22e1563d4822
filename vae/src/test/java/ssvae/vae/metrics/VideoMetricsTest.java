package ssvae.vae.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.vae.data.DataException;
import ssvae.vae.video.RgbClip;
import ssvae.vae.video.SharedData;
import ssvae.vae.video.VideoReader;
import ssvae.vae.video.VideoWriter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The pinned figures come from vae/src/test/python/reference_metrics.py (numpy; scipy-free Gaussian filtering over
 * the whole image with symmetric padding, then the 5-pixel crop, as scikit-image does), run on raw RGB24 dumps of
 * the decoded shared videos: {@code reference_metrics.py 0001.rgb 0002.rgb} and {@code ... 0001.rgb x --noise}.
 */
class VideoMetricsTest {
    @TempDir Path tmp;

    @Test void sharedVideosMatchTheIndependentNumpyFigures() {
        VideoMetrics m = VideoMetrics.compare(SharedData.video("0001.mp4"), SharedData.video("0002.mp4"));
        assertEquals(17, m.frames());
        assertEquals(12.1904613210, m.psnr(), 1e-8);
        assertEquals(0.3229896491, m.ssim(), 1e-9);
    }

    /** x + ((i * 7919 + t * 104729) % 17) - 8, clamped; i is the byte index within frame t (same in the script). */
    static List<byte[]> noised(List<byte[]> frames) {
        List<byte[]> out = new ArrayList<>();
        for (int t = 0; t < frames.size(); t++) {
            byte[] f = frames.get(t), g = new byte[f.length];
            for (int i = 0; i < f.length; i++) {
                long n = ((i * 7919L + t * 104729L) % 17) - 8;
                g[i] = (byte) Math.max(0, Math.min(255, (f[i] & 0xFF) + n));
            }
            out.add(g);
        }
        return out;
    }

    @Test void noisedClipMatchesTheIndependentNumpyFigures() {
        RgbClip a = VideoReader.readAll(SharedData.video("0001.mp4"));
        RgbClip b = new RgbClip(512, 512, 16, noised(a.frames()), a.timestampsUs());
        VideoMetrics m = VideoMetrics.of(a, b);
        assertEquals(34.5029429987, m.psnr(), 1e-8);
        assertEquals(0.7522755936, m.ssim(), 1e-9);
        assertEquals("{\"psnr\": 34.502943, \"ssim\": 0.75227559, \"frames\": 17}", m.toJson());
    }

    @Test void identicalClipsGiveInfinitePsnrAndUnitSsim() {
        RgbClip all = VideoReader.readAll(SharedData.video("0003.mp4"));
        RgbClip a = new RgbClip(512, 512, 16, all.frames().subList(0, 3), all.timestampsUs());
        VideoMetrics m = VideoMetrics.of(a, a);
        assertEquals(Double.POSITIVE_INFINITY, m.psnr());
        assertEquals(1.0, m.ssim(), 1e-12);
        assertTrue(m.toJson().startsWith("{\"psnr\": \"inf\""));
    }

    /** Direct 2-D window SSIM (11x11 outer-product Gaussian, no separability), the plain-loop reference. */
    static double plainSsim(byte[] x, byte[] y, int h, int w, int c) {
        double[] g1 = new double[11];
        double s = 0;
        for (int i = 0; i < 11; i++) { g1[i] = Math.exp(-((i - 5) * (i - 5)) / (2 * 1.5 * 1.5)); s += g1[i]; }
        double c1 = Math.pow(0.01 * 255, 2), c2 = Math.pow(0.03 * 255, 2), total = 0;
        int count = 0;
        for (int r = 5; r < h - 5; r++)
            for (int q = 5; q < w - 5; q++) {
                double mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
                for (int u = -5; u <= 5; u++)
                    for (int v = -5; v <= 5; v++) {
                        double wt = g1[u + 5] * g1[v + 5] / (s * s);
                        int p = 3 * ((r + u) * w + q + v) + c;
                        double a = x[p] & 0xFF, b = y[p] & 0xFF;
                        mx += wt * a; my += wt * b; mxx += wt * a * a; myy += wt * b * b; mxy += wt * a * b;
                    }
                double vx = mxx - mx * mx, vy = myy - my * my, vxy = mxy - mx * my;
                total += ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                count++;
            }
        return total / count;
    }

    @Test void separableSsimEqualsThePlainTwoDimensionalLoop() {
        SplittableRandom rnd = new SplittableRandom(11);
        int[][] sizes = {{11, 11}, {17, 23}, {30, 13}};
        for (int[] hw : sizes) {
            int h = hw[0], w = hw[1];
            byte[] x = new byte[h * w * 3], y = new byte[h * w * 3];
            rnd.nextBytes(x);
            for (int i = 0; i < y.length; i++) y[i] = (byte) Math.max(0, Math.min(255, (x[i] & 0xFF) + rnd.nextInt(-40, 41)));
            for (int c = 0; c < 3; c++) assertEquals(plainSsim(x, y, h, w, c), Ssim.channel(x, y, h, w, c), 1e-12, "size " + h + "x" + w + " c" + c);
        }
        assertThrows(IllegalArgumentException.class, () -> Ssim.channel(new byte[30], new byte[30], 10, 1, 0));
    }

    @Test void psnrIsOnePooledMse() {
        List<byte[]> a = List.of(new byte[] {0, 0, 0}, new byte[] {10, 10, 10});
        List<byte[]> b = List.of(new byte[] {0, 0, 0}, new byte[] {12, 10, 10});  // SSE 4 over 6 values
        assertEquals(4.0 / 6, Psnr.mse(a, b, 3), 1e-15);
        assertEquals(10 * Math.log10(255.0 * 255.0 / (4.0 / 6)), Psnr.psnr(a, b, 3), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Psnr.mse(a, List.of(a.get(0)), 3));
    }

    @Test void differentSizesOrFrameCountsAreOneLineErrors() throws Exception {
        RgbClip a = VideoReader.readAll(SharedData.video("0001.mp4"));
        Path small = tmp.resolve("small.mp4");
        VideoWriter.write(small, List.of(new byte[64 * 64 * 3]), 64, 64, 16);
        DataException e = assertThrows(DataException.class, () -> VideoMetrics.compare(SharedData.video("0001.mp4"), small));
        assertTrue(e.getMessage().startsWith(small + ": size 64x64 differs from "), e.getMessage());
        Path fewer = tmp.resolve("fewer.mp4");
        VideoWriter.write(fewer, a.frames().subList(0, 9), 512, 512, 16);
        e = assertThrows(DataException.class, () -> VideoMetrics.compare(SharedData.video("0001.mp4"), fewer));
        assertTrue(e.getMessage().startsWith(fewer + ": 9 frames, but "), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("nothing.mp4")));
    }
}
