package ssvae.kernels.cpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.Philox;
import ssvae.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.*;

/** Philox streams: known-answer block, seeded reproducibility, thread-count independence, moments, randperm. */
class RandomTest {
    @AfterEach void restoreThreads() { Parallel.setThreads(Runtime.getRuntime().availableProcessors()); }

    @Test void philoxKnownAnswer() {
        // Random123 kat_vectors: philox4x32 10 rounds, counter 0 and key 0
        int[] r = Philox.block(0, 0);
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, r);
    }

    @Test void seededReproducibilityAndStreamAdvance() {
        Generator a = new Generator(123), b = new Generator(123);
        float[] x1 = Tensor.randn(a, 1001).toFloatArray(), y1 = Tensor.randn(b, 1001).toFloatArray();
        assertArrayEquals(x1, y1, 0f);
        float[] x2 = Tensor.randn(a, 1001).toFloatArray();
        assertFalse(java.util.Arrays.equals(x1, x2), "the stream advances");
        a.setSeed(123);
        assertArrayEquals(x1, Tensor.randn(a, 1001).toFloatArray(), 0f, "reseeding restarts the stream");
        assertFalse(java.util.Arrays.equals(x1, Tensor.randn(new Generator(124), 1001).toFloatArray()));
        // the state can be saved and restored
        long s = a.seed(), o = a.offset();
        float[] u = Tensor.rand(a, 7).toFloatArray();
        a.setState(s, o);
        assertArrayEquals(u, Tensor.rand(a, 7).toFloatArray(), 0f);
    }

    @Test void sameNumbersWithOneAndTwoThreads() {
        float[][] r = new float[2][];
        for (int t = 1; t <= 2; t++) {
            Parallel.setThreads(t);
            Generator gen = new Generator(99);
            Tensor n = Tensor.randn(gen, 300_001);
            Tensor u = Tensor.rand(gen, 70_000);
            Tensor b = Tensor.bernoulli(gen, 0.3, DType.F32, Device.CPU, 50_003);
            float[] all = new float[300_001 + 70_000 + 50_003];
            System.arraycopy(n.toFloatArray(), 0, all, 0, 300_001);
            System.arraycopy(u.toFloatArray(), 0, all, 300_001, 70_000);
            System.arraycopy(b.toFloatArray(), 0, all, 370_001, 50_003);
            r[t - 1] = all;
        }
        assertArrayEquals(r[0], r[1], 0f);
    }

    @Test void moments() {
        Generator g = new Generator(5);
        int n = 200_000;
        double[] u = Tensor.uniform(g, -2, 3, DType.F64, Device.CPU, n).toDoubleArray();
        double mu = 0, mu2 = 0, lo = 1e9, hi = -1e9;
        for (double v : u) { mu += v; mu2 += v * v; lo = Math.min(lo, v); hi = Math.max(hi, v); }
        mu /= n; mu2 = mu2 / n - mu * mu;
        assertEquals(0.5, mu, 4 * Math.sqrt(25.0 / 12 / n));
        assertEquals(25.0 / 12, mu2, 0.02);
        assertTrue(lo >= -2 && hi < 3);
        float[] z = Tensor.normal(g, 1.5, 2, DType.F32, Device.CPU, n).toFloatArray();
        double m = 0, m2 = 0, m3 = 0, m4 = 0;
        for (float v : z) m += v;
        m /= n;
        for (float v : z) { double d = v - m; m2 += d * d; m3 += d * d * d; m4 += d * d * d * d; }
        m2 /= n; m3 /= n; m4 /= n;
        assertEquals(1.5, m, 4 * 2 / Math.sqrt(n));
        assertEquals(4, m2, 0.05);
        assertEquals(0, m3 / Math.pow(m2, 1.5), 0.03, "skewness");
        assertEquals(3, m4 / (m2 * m2), 0.06, "kurtosis");
        float[] b = Tensor.bernoulli(g, 0.3, DType.F32, Device.CPU, n).toFloatArray();
        double p = 0;
        for (float v : b) { assertTrue(v == 0 || v == 1); p += v; }
        assertEquals(0.3, p / n, 4 * Math.sqrt(0.21 / n));
        float[] r = Tensor.rand(g, n).toFloatArray();
        for (float v : r) assertTrue(v >= 0 && v < 1);
    }

    @Test void badParametersAreRejected() {
        Generator g = new Generator(1);
        assertThrows(IllegalArgumentException.class, () -> Tensor.bernoulli(g, 1.5, DType.F32, Device.CPU, 3));
        assertThrows(IllegalArgumentException.class, () -> Tensor.uniform(g, 2, 1, DType.F32, Device.CPU, 3));
        assertThrows(IllegalArgumentException.class, () -> Tensor.normal(g, 0, -1, DType.F32, Device.CPU, 3));
        assertThrows(IllegalArgumentException.class, () -> Tensor.rand(g, DType.I64, Device.CPU, 3));
        assertEquals(0, Tensor.rand(g, 0, 4).numel());
        byte[] mask = ((ssvae.tensor.CpuStorage) Tensor.bernoulli(g, 0.5, DType.BOOL, Device.CPU, 64).storage()).u8(); // masks may be drawn as bool
        for (byte v : mask) assertTrue(v == 0 || v == 1);
    }

    @Test void randpermIsAPermutation() {
        Generator g = new Generator(8);
        for (int n : new int[] {0, 1, 2, 17, 1000}) {
            long[] p = Tensor.randperm(n, g).toLongArray();
            assertEquals(n, p.length);
            boolean[] seen = new boolean[n];
            for (long v : p) { assertFalse(seen[(int) v]); seen[(int) v] = true; }
        }
        assertArrayEquals(Tensor.randperm(50, new Generator(1)).toLongArray(), Tensor.randperm(50, new Generator(1)).toLongArray());
        assertFalse(java.util.Arrays.equals(Tensor.randperm(50, new Generator(1)).toLongArray(), Tensor.randperm(50, new Generator(2)).toLongArray()));
    }
}
