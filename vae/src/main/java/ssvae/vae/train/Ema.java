package ssvae.vae.train;

import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;
import ssvae.vae.model.Param;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ldm LitEma over the autoencoder's trainable parameters: n += 1; decay = min(decay, (1 + n) / (10 + n));
 * shadow -= (1 - decay) * (shadow - param). Shadows are keyed by the parameter's dotted name.
 */
final class Ema {
    private final double decay;
    private final Map<String, Param> params = new LinkedHashMap<>();
    private final Map<String, Tensor> shadow = new LinkedHashMap<>();
    private long updates;

    Ema(Map<String, Param> named, double decay) {
        if (decay < 0 || decay > 1) throw new IllegalArgumentException("ema_decay must be in [0, 1], got " + decay);
        this.decay = decay;
        try (var ng = GradMode.noGrad()) {
            for (var e : named.entrySet()) {
                if (!e.getValue().trainable()) continue;
                params.put(e.getKey(), e.getValue());
                shadow.put(e.getKey(), e.getValue().value().detach().clone());
            }
        }
    }

    void update() {
        updates++;
        double d = Math.min(decay, (1.0 + updates) / (10.0 + updates));
        try (var ng = GradMode.noGrad()) {
            for (var e : params.entrySet()) {
                Tensor s = shadow.get(e.getKey());
                s.copy_(s.sub(s.sub(e.getValue().value()).mul(1 - d)));
            }
        }
    }

    /** Shadows under "model_ema." keys, plus the update count. */
    Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : shadow.entrySet()) out.put(e.getKey(), e.getValue());
        out.put("num_updates", Tensor.scalar(updates, ssvae.tensor.DType.F64, ssvae.tensor.Device.CPU));
        return out;
    }

    void load(Map<String, Tensor> sd) {
        try (var ng = GradMode.noGrad()) {
            for (var e : shadow.entrySet()) {
                Tensor t = sd.get(e.getKey());
                if (t == null) throw new IllegalArgumentException("EMA state lacks " + e.getKey());
                e.getValue().copy_(t.to(e.getValue().dtype()));
            }
        }
        Tensor n = sd.get("num_updates");
        updates = n == null ? 0 : Math.round(n.item());
    }

    /** The shadows as a model state dict (for evaluating or exporting the EMA weights). */
    Map<String, Tensor> weights() { return shadow; }
}
