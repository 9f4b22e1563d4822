package ssvae.optim;

import org.junit.jupiter.api.Test;
import ssvae.tensor.Tensor;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** LambdaLR and the ldm warm-up cosine multiplier; clip_grad_norm_. */
class SchedulerTest {
    static Tensor leaf() { return Tensor.zeros(2).requiresGrad(true); }

    @Test void lambdaLrSetsEveryGroupFromItsInitialLr() {
        Adam opt = Adam.withGroups(List.of(new ParamGroup(List.of(leaf())), new ParamGroup(List.of(leaf())).lr(0.5)),
                0.1, 0.9, 0.999, 1e-8, 0, false);
        LambdaLR s = new LambdaLR(opt, n -> Math.pow(0.5, n));
        assertEquals(0, s.lastEpoch());
        assertArrayEquals(new double[] {0.1, 0.5}, s.lastLr(), 1e-15);
        s.step();
        s.step();
        assertEquals(2, s.lastEpoch());
        assertArrayEquals(new double[] {0.025, 0.125}, s.lastLr(), 1e-15);
        assertEquals(0.025, opt.paramGroups().get(0).lr, 1e-15);
        assertEquals(0.1, opt.paramGroups().get(0).initialLr, 0);
        s.setLastEpoch(10);
        assertEquals(0.1 / 1024, opt.paramGroups().get(0).lr, 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new LambdaLR(opt, List.of(n -> 1.0)));
    }

    @Test void warmUpCosineValues() {
        // warm_up 100, lr_min 1e-5, lr_max 1e-3, lr_start 1e-6, max_decay 1100
        var f = new LambdaWarmUpCosineScheduler(100, 1e-5, 1e-3, 1e-6, 1100);
        assertEquals(1e-6, f.schedule(0), 1e-18);
        assertEquals((1e-3 - 1e-6) / 100 * 50 + 1e-6, f.schedule(50), 1e-18);
        assertEquals(1e-3, f.schedule(100), 1e-18);                        // t = 0: cos 0 = 1
        assertEquals(1e-5 + 0.5 * (1e-3 - 1e-5), f.schedule(600), 1e-15); // t = 1/2
        assertEquals(1e-5 + 0.5 * (1e-3 - 1e-5) * (1 + Math.cos(0.25 * Math.PI)), f.schedule(350), 1e-15);
        assertEquals(1e-5, f.schedule(1100), 1e-18);
        assertEquals(1e-5, f.schedule(5000), 1e-18);                       // t clamped to 1
        assertEquals(1e-5, f.lastLr(), 1e-18);

        // the official wiring: lr_max = learning_rate, LambdaLR(opt, n -> f(n) / learning_rate)
        double base = 4e-4;
        var g = new LambdaWarmUpCosineScheduler(10, 2e-6, -1, 2e-6, 110);
        g.setLrMax(base);
        Adam opt = new Adam(List.of(leaf()), base);
        LambdaLR s = new LambdaLR(opt, n -> g.schedule(n) / base);
        assertEquals(2e-6, opt.paramGroups().get(0).lr, 1e-18);
        for (int i = 0; i < 10; i++) s.step();
        assertEquals(base, opt.paramGroups().get(0).lr, 1e-15);
    }

    @Test void clipGradNormScalesAllGradientsTogether() {
        Tensor a = leaf(), b = Tensor.zeros(1).requiresGrad(true), c = leaf();
        a.setGrad(Tensor.fromArray(new float[] {3, 0}, 2));
        b.setGrad(Tensor.fromArray(new float[] {4}, 1));
        double total = ClipGrad.clipGradNorm(List.of(a, b, c), 1.0);
        assertEquals(5.0, total, 1e-6);
        double coef = 1.0 / (5.0 + 1e-6);
        assertArrayEquals(new double[] {3 * coef, 0}, a.grad().toDoubleArray(), 1e-6);
        assertArrayEquals(new double[] {4 * coef}, b.grad().toDoubleArray(), 1e-6);
        assertNull(c.grad());
        // under the limit: unchanged (coefficient clamped to 1)
        double again = ClipGrad.clipGradNorm(List.of(a, b), 10.0);
        assertEquals(1.0, again, 1e-5);
        assertArrayEquals(new double[] {3 * coef, 0}, a.grad().toDoubleArray(), 1e-6);
        // inf norm
        a.setGrad(Tensor.fromArray(new float[] {-6, 2}, 2));
        assertEquals(6.0, ClipGrad.clipGradNorm(List.of(a, b), 3.0, Double.POSITIVE_INFINITY), 1e-6);
        assertEquals(-3.0, a.grad().get(0), 1e-5);
        assertEquals(0.0, ClipGrad.clipGradNorm(List.of(c), 1.0), 0);
    }
}
