package ssvae.vae.model;

import org.junit.jupiter.api.Test;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No-grad causal convolutions over time slices (one output frame per call) give the single-call result, to F32
 * rounding: the same kernels run at different times, and the Vector API's transcendental lanewise ops (exp in
 * SiLU) may round differently by an ulp once the JIT has compiled them, so bit-for-bit equality is not guaranteed
 * (a slicing error shows as errors many orders larger).
 */
class SlicedConvTest {
    static final double TOL = 1e-6;

    private static Tensor sliced(Supplier<Tensor> f) {
        long keep = CausalConv3d.sliceElements;
        CausalConv3d.sliceElements = 1;
        try { return f.get(); } finally { CausalConv3d.sliceElements = keep; }
    }

    private static void check(CoderParams[] p, int frames, int[] encPlan, int[] decPlan) {
        VideoAutoencoder m = ParityFixtures.model(p);
        ParityFixtures.randomise(m, 31);
        Tensor x = (Tensor) ParityFixtures.input(32, 1, 3, frames, 8, 8)[0];
        try (var g = GradMode.noGrad()) {
            Tensor whole = m.encodeMoments(x);
            double e = ChunkedStreamTest.rel(sliced(() -> m.encodeMoments(x)), whole);
            assertTrue(e < TOL, "sliced encoder rel err " + e);
            Tensor z = whole.chunk(2, 1).get(0).contiguous();
            Tensor dec = m.decode(z);
            e = ChunkedStreamTest.rel(sliced(() -> m.decode(z)), dec);
            assertTrue(e < TOL, "sliced decoder rel err " + e);
            if (encPlan != null) {
                e = ChunkedStreamTest.rel(sliced(() -> m.encodeMomentsChunked(x, encPlan)), whole);
                assertTrue(e < TOL, "sliced chunked encoder rel err " + e);
                e = ChunkedStreamTest.rel(sliced(() -> m.decodeChunked(z, decPlan)), dec);
                assertTrue(e < TOL, "sliced chunked decoder rel err " + e);
            }
        }
    }

    @Test void rmsFirstPadding() { check(ParityFixtures.configA(), 9, new int[] {1, 4, 4}, new int[] {1, 1, 1}); }

    @Test void groupNormConstantPadding() { check(ParityFixtures.configB(), 3, null, null); }
}
