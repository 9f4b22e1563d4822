package ssvae.nn;

import org.junit.jupiter.api.Test;
import ssvae.autograd.GradCheck;
import ssvae.tensor.DType;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** torch.nn.utils.spectral_norm: names, one power iteration per training forward, sigma, eval behaviour. */
class SpectralNormTest {
    static double[] normalize(double[] x) {
        double n = 0;
        for (double v : x) n += v * v;
        n = Math.max(Math.sqrt(n), 1e-12);
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = x[i] / n;
        return r;
    }

    static double[] mv(double[] w, int h, int c, double[] v, boolean transpose) {
        double[] r = new double[transpose ? c : h];
        for (int i = 0; i < h; i++)
            for (int j = 0; j < c; j++) {
                if (transpose) r[j] += w[i * c + j] * v[i];
                else r[i] += w[i * c + j] * v[j];
            }
        return r;
    }

    @Test void stateDictNamesAsPyTorch() {
        Generator g = new Generator(1);
        Conv2d c = SpectralNorm.apply(new Conv2d(3, 4, 3, g), g);
        assertEquals(List.of("bias", "weight_orig", "weight_u", "weight_v"), List.copyOf(c.stateDict().keySet()));
        assertEquals(List.of("bias", "weight_orig"), List.copyOf(c.namedParameters().keySet()));
        assertArrayEquals(new int[] {4}, c.buffer("weight_u").shape());
        assertArrayEquals(new int[] {27}, c.buffer("weight_v").shape());
        assertEquals(1, c.buffer("weight_u").norm().item(), 1e-6);
        Sequential s = new Sequential(new Identity(), SpectralNorm.apply(new Linear(5, 2, g), g));
        assertTrue(s.stateDict().containsKey("1.weight_orig") && s.stateDict().containsKey("1.weight_u") && s.stateDict().containsKey("1.weight_v"));
    }

    @Test void oneIterationPerTrainingForwardMatchesReference() {
        Generator g = new Generator(2);
        Linear l = SpectralNorm.apply(new Linear(5, 4, g), g);
        l.to(DType.F64);
        double[] w = l.param("weight_orig").toDoubleArray();
        double[] u = l.buffer("weight_u").toDoubleArray(), v = l.buffer("weight_v").toDoubleArray();
        for (int it = 0; it < 3; it++) {
            v = normalize(mv(w, 4, 5, u, true));
            u = normalize(mv(w, 4, 5, v, false));
            double[] wv = mv(w, 4, 5, v, false);
            double sigma = 0;
            for (int i = 0; i < 4; i++) sigma += u[i] * wv[i];
            double[] got = l.attr("weight").toDoubleArray();
            for (int i = 0; i < w.length; i++) assertEquals(w[i] / sigma, got[i], 1e-12, "iteration " + it);
            assertArrayEquals(u, l.buffer("weight_u").toDoubleArray(), 1e-12);
            assertArrayEquals(v, l.buffer("weight_v").toDoubleArray(), 1e-12);
        }
        // eval: no iteration, sigma from the stored vectors
        l.eval();
        double[] w1 = l.attr("weight").toDoubleArray(), w2 = l.attr("weight").toDoubleArray();
        assertArrayEquals(w1, w2, 0);
        assertArrayEquals(u, l.buffer("weight_u").toDoubleArray(), 0);
    }

    @Test void sigmaConvergesToTheLargestSingularValue() {
        Generator g = new Generator(3);
        Linear l = SpectralNorm.apply(new Linear(5, 4, false, g), g);
        // rows 0/1: diag(3, 1) rotated by 0.7 rad, rows 2/3: 0.5 and 0.2; singular values 3, 1, 0.5, 0.2
        double c = Math.cos(0.7), s = Math.sin(0.7);
        double[] w = {c * 3, -s * 1, 0, 0, 0, s * 3, c * 1, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 0.2, 0};
        try (var ng = GradMode.noGrad()) { l.param("weight_orig").copy_(Tensor.fromArray(w, 4, 5)); }
        for (int i = 0; i < 60; i++) l.attr("weight");
        double sigma = l.param("weight_orig").toDoubleArray()[0] / l.attr("weight").toDoubleArray()[0];
        assertEquals(3.0, sigma, 1e-4);
    }

    @Test void gradientFlowsThroughSigma() {
        Generator g = new Generator(4);
        Linear l = SpectralNorm.apply(new Linear(3, 3, g), g);
        l.to(DType.F64);
        l.attr("weight"); // one training iteration so u, v are not the raw draws
        l.eval();
        Tensor x = GradCheck.leaf(g, 2, 3);
        GradCheck.check(in -> l.forward(in.get(0)), List.of(x, l.param("weight_orig"), l.param("bias")));
    }

    @Test void loadStateDictRestoresVectors() {
        Generator g = new Generator(5);
        Linear a = SpectralNorm.apply(new Linear(4, 3, g), g);
        for (int i = 0; i < 5; i++) a.attr("weight");
        Linear b = SpectralNorm.apply(new Linear(4, 3, g), g);
        b.loadStateDict(a.stateDict());
        a.eval();
        b.eval();
        assertArrayEquals(a.attr("weight").toFloatArray(), b.attr("weight").toFloatArray());
    }
}
