package ssvae.vae.train;

import org.junit.jupiter.api.Test;
import ssvae.tensor.Tensor;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Channel eigenspectrum of latents. */
class LatentStatsTest {
    @Test void eigenvaluesOfAKnownMatrix() {
        // [[2,1,0],[1,2,0],[0,0,5]] has eigenvalues 5, 3, 1
        double[] ev = LatentStats.eigenvalues(new double[][] {{2, 1, 0}, {1, 2, 0}, {0, 0, 5}});
        assertArrayEquals(new double[] {5, 3, 1}, ev, 1e-12);
    }

    @Test void topShareOfRankTwoLatents() {
        // 6 channels that are mixtures of 2 sources: the top 2 components hold all the variance
        Random r = new Random(1);
        int c = 6, n = 200;
        float[] z = new float[c * n];
        double[][] mix = new double[c][2];
        for (double[] m : mix) { m[0] = r.nextGaussian(); m[1] = r.nextGaussian(); }
        for (int k = 0; k < n; k++) {
            double a = r.nextGaussian(), b = r.nextGaussian();
            for (int ch = 0; ch < c; ch++) z[ch * n + k] = (float) (mix[ch][0] * a + mix[ch][1] * b);
        }
        Tensor t = Tensor.fromArray(z, 1, c, 1, 1, n);
        assertEquals(1.0, LatentStats.topShare(t, 2), 1e-5);
        assertTrue(LatentStats.topShare(t, 1) < 0.99);
        // channel covariance equals a direct computation
        double[][] cov = LatentStats.channelCovariance(t);
        double m0 = 0, m1 = 0, s = 0;
        for (int k = 0; k < n; k++) { m0 += z[k]; m1 += z[n + k]; }
        m0 /= n; m1 /= n;
        for (int k = 0; k < n; k++) s += (z[k] - m0) * (z[n + k] - m1);
        assertEquals(s / (n - 1), cov[0][1], 1e-9);
    }
}
