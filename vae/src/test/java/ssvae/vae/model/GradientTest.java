package ssvae.vae.model;

import org.junit.jupiter.api.Test;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;
import ssvae.vae.regularizers.GaussianRegularizer;
import ssvae.vae.regularizers.LatentMasking;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Training forward/backward: gradient checkpointing gives the same gradients; frozen encoders get none; LMR runs. */
class GradientTest {
    private static CoderParams withCheckpoint(CoderParams p, boolean on, boolean freeze) {
        return new CoderParams(p.ch(), p.outCh(), p.chMult(), p.numResBlocks(), p.numMidBlocks(), p.temporalUpsample(), p.dropout(),
                p.resampWithConv(), p.inChannels(), p.resolution(), p.zChannels(), p.padMode(), p.temporalCompressTimes(), p.norm(),
                p.midAttn(), p.newShuffle(), freeze, on, p.spatialInterpolate(), p.temporalInterpolate());
    }

    private static Map<String, double[]> grads(boolean checkpoint, boolean freeze) {
        CoderParams[] c = ParityFixtures.configA();
        LatentMasking lmr = new LatentMasking(List.of(0.0, 0.5), Map.of(8, new double[] {0, 1}), Map.of(8, new int[] {1, 1, 1}));
        VideoAutoencoder m = new VideoAutoencoder(withCheckpoint(c[0], checkpoint, freeze), withCheckpoint(c[1], checkpoint, false),
                new GaussianRegularizer(true, false, true, null), lmr, null, null);
        ParityFixtures.randomise(m, 31);
        if (freeze) m.encoder().setTrainable(false);
        Tensor x = (Tensor) ParityFixtures.input(32, 1, 3, 5, 8, 8)[0];
        VideoAutoencoder.Output out = m.forward(x, new Generator(9));
        Tensor loss = out.reconstruction().sub(x).square().mean().add(out.reg().log().get("kl_loss").mul(1e-3));
        loss.backward();
        Map<String, double[]> g = new LinkedHashMap<>();
        for (var e : m.namedParams().entrySet()) {
            Tensor gr = e.getValue().value().grad();
            g.put(e.getKey(), gr == null ? null : gr.contiguous().toDoubleArray());
        }
        return g;
    }

    @Test
    void checkpointingKeepsGradients() {
        Map<String, double[]> a = grads(false, false), b = grads(true, false);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertNotNull(a.get(k), k);
            assertNotNull(b.get(k), k);
            double[] x = a.get(k), y = b.get(k);
            double num = 0, den = 1e-12;
            for (int i = 0; i < x.length; i++) { num = Math.max(num, Math.abs(x[i] - y[i])); den = Math.max(den, Math.abs(x[i])); }
            assertTrue(num / den < 1e-5, k + " rel diff " + num / den);
        }
        assertNotNull(a.get("mask_token"));   // ratio 0.5 is always drawn: half the latent positions take the token, so it gets a gradient
    }

    @Test
    void frozenEncoderGetsNoGradient() {
        Map<String, double[]> g = grads(false, true);
        for (var e : g.entrySet()) {
            if (e.getKey().startsWith("encoder.")) assertNull(e.getValue(), e.getKey());
            else assertNotNull(e.getValue(), e.getKey());
        }
    }
}
