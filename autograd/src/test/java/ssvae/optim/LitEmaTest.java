package ssvae.optim;

import org.junit.jupiter.api.Test;
import ssvae.nn.Linear;
import ssvae.nn.Sequential;
import ssvae.nn.SiLU;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** LitEma: decay warm-up, shadow update in float32, copy_to, store/restore, buffer names. */
class LitEmaTest {
    @Test void updatesFollowTheOfficialFormula() {
        Generator g = new Generator(3);
        Sequential model = new Sequential(new Linear(3, 2, g), new SiLU(), new Linear(2, 1, g));
        model.child("2").requiresGrad(false); // frozen parameters are not tracked
        LitEma ema = new LitEma(model, 0.9, true);
        assertEquals(List.of("decay", "num_updates", "0weight", "0bias"), List.copyOf(ema.stateDict().keySet()));

        Tensor w = model.namedParameters().get("0.weight");
        double[] shadow = w.toDoubleArray();
        for (int step = 1; step <= 90; step++) {
            try (var ng = GradMode.noGrad()) { w.add_(Tensor.randn(g, 2, 3), 0.1); }
            double[] cur = w.toDoubleArray();
            float decay = Math.min(0.9f, (float) ((1.0 + step) / (10.0 + step)));
            float one = (float) (1.0 - decay);
            for (int i = 0; i < cur.length; i++) shadow[i] = (float) (shadow[i] - (float) (one * (float) (shadow[i] - cur[i])));
            assertEquals(decay, ema.update(model), 0);
            if (step == 1) assertEquals((float) (2.0 / 11), decay, 0);
            if (step == 30) assertEquals((float) (31.0 / 40), decay, 0);
            if (step == 90) assertEquals(0.9f, decay, 0); // (1+n)/(10+n) passes 0.9 after n = 80

            assertArrayEquals(shadow, ema.shadow("0.weight").toDoubleArray(), 1e-6, "step " + step);
        }
        assertEquals(90, ema.numUpdates());

        List<Tensor> params = model.parameters();
        double[] live = w.toDoubleArray();
        ema.store(params);
        ema.copyTo(model);
        assertArrayEquals(shadow, w.toDoubleArray(), 1e-6);
        ema.restore(params);
        assertArrayEquals(live, w.toDoubleArray(), 0);
        assertSame(w, model.namedParameters().get("0.weight"), "copy_to and restore write in place");
    }

    @Test void fixedDecayWithoutNumUpdates() {
        Generator g = new Generator(4);
        Linear m = new Linear(2, 2, g);
        LitEma ema = new LitEma(m, 0.5, false);
        double[] s0 = ema.shadow("bias").toDoubleArray();
        try (var ng = GradMode.noGrad()) { m.param("bias").fill_(1); }
        assertEquals(0.5, ema.update(m), 0);
        assertEquals(-1, ema.numUpdates());
        assertArrayEquals(new double[] {(s0[0] + 1) / 2, (s0[1] + 1) / 2}, ema.shadow("bias").toDoubleArray(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> new LitEma(m, 1.5, true));
    }
}
