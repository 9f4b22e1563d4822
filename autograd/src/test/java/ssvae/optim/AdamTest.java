package ssvae.optim;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Tensor;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Adam / AdamW against the PyTorch update rule written out in plain double arithmetic. */
class AdamTest {
    static final double[] P0 = {0.5, -1.25, 2.0};
    static final double[][] GRADS = {{0.1, -0.2, 0.3}, {-0.4, 0.05, 0.6}, {0.25, 0.3, -0.7}};

    /** torch.optim.Adam / AdamW single-tensor step in doubles, 3 steps. */
    static double[] reference(double lr, double b1, double b2, double eps, double wd, boolean decoupled, boolean amsgrad) {
        double[] p = P0.clone(), m = new double[3], v = new double[3], vmax = new double[3];
        for (int t = 1; t <= 3; t++) {
            for (int i = 0; i < 3; i++) {
                double g = GRADS[t - 1][i];
                if (wd != 0) {
                    if (decoupled) p[i] *= 1 - lr * wd;
                    else g += wd * p[i];
                }
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                vmax[i] = Math.max(vmax[i], v[i]);
                double bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
                double denom = Math.sqrt(amsgrad ? vmax[i] : v[i]) / Math.sqrt(bc2) + eps;
                p[i] -= lr / bc1 * m[i] / denom;
            }
        }
        return p;
    }

    static double[] run(Adam opt, Tensor p) {
        for (int t = 0; t < 3; t++) {
            p.setGrad(Tensor.fromArray(GRADS[t].clone(), 3).to(p.dtype()));
            opt.step();
        }
        return p.toDoubleArray();
    }

    static Tensor param(DType dt) { return Tensor.fromArray(P0.clone(), 3).to(dt).detach().requiresGrad(true); }

    @Test void adamMatchesReferenceF64() {
        Tensor p = param(DType.F64);
        double[] got = run(new Adam(List.of(p), 0.1), p);
        assertArrayEquals(reference(0.1, 0.9, 0.999, 1e-8, 0, false, false), got, 1e-12);
        // the first Adam step moves each coordinate by about lr in the direction of -sign(g)
        assertNotEquals(P0[0], got[0]);
    }

    @Test void adamMatchesReferenceF32() {
        Tensor p = param(DType.F32);
        double[] got = run(new Adam(List.of(p), 0.01, 0.8, 0.99, 1e-6, 0, false), p);
        assertArrayEquals(reference(0.01, 0.8, 0.99, 1e-6, 0, false, false), got, 2e-6);
    }

    @Test void adamL2WeightDecayGoesIntoTheGradient() {
        Tensor p = param(DType.F64);
        double[] got = run(new Adam(List.of(p), 0.05, 0.9, 0.999, 1e-8, 0.3, false), p);
        assertArrayEquals(reference(0.05, 0.9, 0.999, 1e-8, 0.3, false, false), got, 1e-12);
        assertFalse(java.util.Arrays.equals(got, reference(0.05, 0.9, 0.999, 1e-8, 0.3, true, false)));
    }

    @Test void adamWDecoupledDecay() {
        Tensor p = param(DType.F64);
        double[] got = run(new AdamW(List.of(p), 0.05, 0.9, 0.999, 1e-8, 0.3, false), p);
        assertArrayEquals(reference(0.05, 0.9, 0.999, 1e-8, 0.3, true, false), got, 1e-12);
        Tensor q = param(DType.F64);
        assertArrayEquals(reference(0.001, 0.9, 0.999, 1e-8, 0.01, true, false), run(new AdamW(List.of(q), 0.001), q), 1e-12);
    }

    @Test void amsgrad() {
        Tensor p = param(DType.F64);
        double[] got = run(new Adam(List.of(p), 0.1, 0.9, 0.9, 1e-8, 0, true), p);
        double[] ref = reference(0.1, 0.9, 0.9, 1e-8, 0, false, true);
        assertArrayEquals(ref, got, 1e-12);
        assertFalse(java.util.Arrays.equals(ref, reference(0.1, 0.9, 0.9, 1e-8, 0, false, false)), "the gradients make vmax differ from v");
    }

    @Test void paramGroupsKeepTheirOwnHyperParameters() {
        Tensor a = param(DType.F64), b = param(DType.F64);
        Adam opt = Adam.withGroups(List.of(new ParamGroup(List.of(a)), new ParamGroup(List.of(b)).lr(0.01).weightDecay(0.2)),
                0.1, 0.9, 0.999, 1e-8, 0, false);
        for (int t = 0; t < 3; t++) {
            a.setGrad(Tensor.fromArray(GRADS[t].clone(), 3));
            b.setGrad(Tensor.fromArray(GRADS[t].clone(), 3));
            opt.step();
        }
        assertArrayEquals(reference(0.1, 0.9, 0.999, 1e-8, 0, false, false), a.toDoubleArray(), 1e-12);
        assertArrayEquals(reference(0.01, 0.9, 0.999, 1e-8, 0.2, false, false), b.toDoubleArray(), 1e-12);
        assertEquals(3, opt.state(a).step);
        var e = assertThrows(IllegalArgumentException.class, () -> opt.addParamGroup(new ParamGroup(List.of(a))));
        assertTrue(e.getMessage().contains("more than one parameter group"));
    }

    @Test void parametersWithoutGradAreSkippedAndZeroGrad() {
        Tensor a = param(DType.F64), b = param(DType.F64);
        Adam opt = new Adam(List.of(a, b), 0.1);
        a.setGrad(Tensor.fromArray(GRADS[0].clone(), 3));
        opt.step();
        assertArrayEquals(P0, b.toDoubleArray(), 0);
        assertNull(opt.state(b));
        opt.zeroGrad(false);
        assertArrayEquals(new double[3], a.grad().toDoubleArray(), 0);
        opt.zeroGrad();
        assertNull(a.grad());
    }

    @Test void stateDictRoundTripContinuesIdentically() {
        Tensor a = param(DType.F32), b = param(DType.F32);
        Adam o1 = new Adam(List.of(a), 0.1, 0.9, 0.999, 1e-8, 0, true);
        for (int t = 0; t < 2; t++) { a.setGrad(Tensor.fromArray(GRADS[t].clone(), 3).to(DType.F32)); o1.step(); }
        Map<String, Tensor> sd = o1.stateDict();
        assertEquals(List.of("state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq",
                "param_groups.0.lr", "param_groups.0.betas", "param_groups.0.eps", "param_groups.0.weight_decay", "param_groups.0.amsgrad"),
                List.copyOf(sd.keySet()));
        assertEquals(2, sd.get("state.0.step").item());
        try (var ng = ssvae.tensor.GradMode.noGrad()) { b.copy_(a); }
        Adam o2 = new Adam(List.of(b), 0.5);
        o2.loadStateDict(sd);
        assertEquals(0.1, o2.paramGroups().get(0).lr, 1e-15);
        a.setGrad(Tensor.fromArray(GRADS[2].clone(), 3).to(DType.F32));
        b.setGrad(Tensor.fromArray(GRADS[2].clone(), 3).to(DType.F32));
        o1.step();
        o2.step();
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 0);
        assertArrayEquals(reference(0.1, 0.9, 0.999, 1e-8, 0, false, true), b.toDoubleArray(), 2e-6);

        var bad = new java.util.LinkedHashMap<>(sd);
        bad.put("state.0.exp_avg", Tensor.zeros(4));
        var e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(param(DType.F32)), 0.1).loadStateDict(bad));
        assertTrue(e.getMessage().contains("state.0.exp_avg") && e.getMessage().contains("[4]") && e.getMessage().contains("[3]"), e.getMessage());
        bad.put("state.7.step", Tensor.scalar(1));
        e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(param(DType.F32)), 0.1).loadStateDict(bad));
        assertTrue(e.getMessage().contains("state.7.step"), e.getMessage());
    }

    @Test void badHyperParameters() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(param(DType.F32)), -1));
        assertTrue(e.getMessage().contains("learning rate"));
        e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(param(DType.F32)), 0.1, 1.0, 0.999, 1e-8, 0, false));
        assertTrue(e.getMessage().contains("beta"));
    }
}
