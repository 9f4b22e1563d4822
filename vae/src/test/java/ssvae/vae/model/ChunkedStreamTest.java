package ssvae.vae.model;

import org.junit.jupiter.api.Test;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.*;

/** Chunked encoding/decoding with the causal cache equals the one-pass result, for several chunk plans. */
class ChunkedStreamTest {
    static double rel(Tensor a, Tensor b) {
        assertArrayEquals(a.shape(), b.shape());
        double[] x = a.contiguous().toDoubleArray(), y = b.contiguous().toDoubleArray();
        double num = 0, den = 0;
        for (int i = 0; i < x.length; i++) { num = Math.max(num, Math.abs(x[i] - y[i])); den = Math.max(den, Math.abs(y[i])); }
        return num / den;
    }

    private static void encodeDecodePlans(CoderParams[] p, int frames, int[][] encPlans, int[][] decPlans) {
        VideoAutoencoder m = ParityFixtures.model(p);
        ParityFixtures.randomise(m, 21);
        Tensor x = (Tensor) ParityFixtures.input(22, 1, 3, frames, 8, 8)[0];
        try (var g = GradMode.noGrad()) {
            Tensor whole = m.encodeMoments(x);
            for (int[] plan : encPlans) {
                double e = rel(m.encodeMomentsChunked(x, plan), whole);
                assertTrue(e < 1e-5, "encoder plan " + java.util.Arrays.toString(plan) + " rel err " + e);
            }
            Tensor z = whole.chunk(2, 1).get(0).contiguous();
            Tensor dec = m.decode(z);
            for (int[] plan : decPlans) {
                double e = rel(m.decodeChunked(z, plan), dec);
                assertTrue(e < 1e-5, "decoder plan " + java.util.Arrays.toString(plan) + " rel err " + e);
            }
        }
    }

    @Test
    void rmsFirstPadding() {
        VideoAutoencoder m = ParityFixtures.model(ParityFixtures.configA());
        assertArrayEquals(new int[] {1, 4, 4, 4, 4}, m.encoderPlan(17, 4));
        assertArrayEquals(new int[] {1, 8, 8}, m.encoderPlan(17, 8));
        assertArrayEquals(new int[] {1, 1, 1, 1, 1}, VideoAutoencoder.decoderPlan(5, 1));
        encodeDecodePlans(ParityFixtures.configA(), 17,
                new int[][] {{1, 4, 4, 4, 4}, {1, 8, 8}, {5, 12}, {9, 4, 4}},
                new int[][] {{1, 1, 1, 1, 1}, {1, 4}, {3, 2}, {1, 2, 2}});
    }

    @Test
    void layerNormMixed2d3d() {
        CoderParams[] c = ParityFixtures.configD();   // a 2-D level then a 3-D level, factor 2 in time
        encodeDecodePlans(c, 9, new int[][] {{1, 2, 2, 2, 2}, {3, 6}, {1, 8}}, new int[][] {{1, 1, 1, 1, 1}, {2, 3}});
    }

    @Test
    void rejectsBadPlansAndNonCausalLayers() {
        VideoAutoencoder m = ParityFixtures.model(ParityFixtures.configA());
        ParityFixtures.randomise(m, 3);
        Tensor x = (Tensor) ParityFixtures.input(4, 1, 3, 9, 16, 16)[0];
        assertThrows(IllegalArgumentException.class, () -> m.encodeMomentsChunked(x, new int[] {2, 7}));
        assertThrows(IllegalArgumentException.class, () -> m.encodeMomentsChunked(x, new int[] {1, 4, 2}));
        assertThrows(IllegalArgumentException.class, () -> m.encodeMomentsChunked(x, new int[] {1, 4}));
        Tensor x8 = (Tensor) ParityFixtures.input(4, 1, 3, 8, 16, 16)[0];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.encodeMoments(x8));
        assertTrue(e.getMessage().contains("1 + 4k"), e.getMessage());
        VideoAutoencoder g = ParityFixtures.model(ParityFixtures.configB());
        assertThrows(IllegalArgumentException.class, () -> g.encodeMomentsChunked((Tensor) ParityFixtures.input(1, 1, 3, 3, 8, 8)[0], new int[] {1, 2}));
        VideoAutoencoder c = ParityFixtures.model(ParityFixtures.configC());
        assertFalse(c.decoder().chunkable());
        assertTrue(c.encoder().chunkable());
    }
}
