package ssvae.vae.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SyntheticVideosTest {
    @Test void seededShapeRangeAndIndependenceOfOrder() {
        Clip a = SyntheticVideos.clip(5, 2, 9, 48, 40);
        SyntheticVideos src = new SyntheticVideos(5, 9, 48, 40);
        src.next();
        src.next();
        Clip b = src.next();
        assertArrayEquals(a.data(), b.data(), "clip i depends only on (seed, i)");
        assertArrayEquals(new int[] {3, 9, 48, 40}, a.tensor().shape());
        for (float v : a.data()) assertTrue(v >= -1 && v <= 1);
        assertFalse(java.util.Arrays.equals(a.data(), SyntheticVideos.clip(6, 2, 9, 48, 40).data()));
    }

    @Test void naturalStatisticsSpatialCorrelationAndMotion() {
        int t = 9, h = 64, w = 64, hw = h * w;
        double near = 0, far = 0, temporal = 0, var = 0, mean = 0;
        int clips = 4;
        for (int i = 0; i < clips; i++) {
            float[] d = SyntheticVideos.clip(1, i, t, h, w).data();
            for (int y = 0; y < h; y++)
                for (int x = 0; x + 16 < w; x++) {
                    int p = y * w + x;
                    near += Math.abs(d[p] - d[p + 1]);
                    far += Math.abs(d[p] - d[p + 16]);
                }
            for (int p = 0; p < hw; p++) temporal += Math.abs(d[p] - d[(t - 1) * hw + p]);
            for (int p = 0; p < hw; p++) { mean += d[p]; var += d[p] * d[p]; }
        }
        // neighbouring pixels are far more alike than pixels 16 apart (a 1/f spectrum is dominated by low frequencies)
        assertTrue(near * 4 < far, "near " + near + " far " + far);
        assertTrue(temporal > 0, "the camera pans and shapes move");
        double n = clips * hw;
        double sd = Math.sqrt(var / n - (mean / n) * (mean / n));
        assertTrue(sd > 0.08 && sd < 0.8, "contrast " + sd);
    }
}
