package ssvae.vae.loss;

import org.junit.jupiter.api.Test;
import ssvae.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.*;

/** calculate_adaptive_weight on a layer whose gradients are known in closed form. */
class AdaptiveWeightTest {
    @Test void ratioOfGradientNormsClampedAndGraphKept() {
        double[] wv = {0.5, -1.0, 2.0, 0.25, 1.5, -0.75};
        Tensor w = Tensor.fromArray(wv, 2, 3).requiresGrad(true);
        double[] xv = {1.0, 2.0, -1.0};
        double[] cv = {0.1, 0.2, 0.3, -0.4, 0.5, 0.6};
        Tensor x = Tensor.fromArray(xv, 3, 1);
        Tensor y = w.matmul(x);                       // [2, 1]
        Tensor nll = y.square().sum();                // d/dW = 2 y x^T
        Tensor aux = w.mul(Tensor.fromArray(cv, 2, 3)).sum().mul(3.0);   // d/dW = 3 c
        double[] yv = {wv[0] * xv[0] + wv[1] * xv[1] + wv[2] * xv[2], wv[3] * xv[0] + wv[4] * xv[1] + wv[5] * xv[2]};
        double g1 = 0, g2 = 0;
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) { g1 += Math.pow(2 * yv[i] * xv[j], 2); g2 += Math.pow(3 * cv[i * 3 + j], 2); }
        double want = Math.sqrt(g1) / (Math.sqrt(g2) + 1e-4);
        assertEquals(want, AdaptiveWeight.compute(nll, aux, w, 1e4), 1e-9);
        assertEquals(0.5, AdaptiveWeight.compute(nll, aux, w, 0.5), 0.0);
        // retain_graph: the graph still backpropagates afterwards
        nll.backward();
        assertNotNull(w.grad());
        assertEquals(2 * yv[0] * xv[0], w.grad().to(ssvae.tensor.DType.F64).toDoubleArray()[0], 1e-9);
    }

    @Test void unreachedLayerGivesNullAndFrozenLayerIsAnError() {
        Tensor w = Tensor.fromArray(new double[] {1, 2}, 2).requiresGrad(true);
        Tensor other = Tensor.fromArray(new double[] {3, 4}, 2).requiresGrad(true);
        assertNull(AdaptiveWeight.compute(w.square().sum(), other.sum(), w, 1e4));
        Tensor frozen = Tensor.fromArray(new double[] {1, 2}, 2);
        assertThrows(IllegalArgumentException.class, () -> AdaptiveWeight.compute(frozen.sum(), frozen.sum(), frozen, 1));
    }
}
