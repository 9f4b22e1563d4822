package ssvae.optim;

import ssvae.nn.Module;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exponential moving average of a model's trainable parameters with the semantics of ldm's LitEma
 * (ssvae/modules/ema.py): buffers "decay" (F32 scalar), "num_updates" (I32 scalar, -1 when use_num_updates
 * is off) and one shadow buffer per trainable parameter named with the dots removed. An update does
 * n += 1; decay = min(decay, (1 + n) / (10 + n)); shadow -= (1 - decay) * (shadow - param), with decay in
 * float32 as the official buffers are. copyTo writes the shadows into the model; store/restore keep and
 * put back the model's own values around an EMA evaluation.
 */
public final class LitEma extends Module {
    private final Map<String, String> nameToShadow = new LinkedHashMap<>();
    private List<Tensor> collected = List.of();

    public LitEma(Module model) { this(model, 0.9999, true); }

    public LitEma(Module model, double decay, boolean useNumUpdates) {
        if (decay < 0 || decay > 1) throw new IllegalArgumentException("Decay must be between 0 and 1, got " + decay);
        registerBuffer("decay", Tensor.scalar(decay, DType.F32, Device.CPU));
        registerBuffer("num_updates", Tensor.fromInts(new int[] {useNumUpdates ? 0 : -1}));
        try (var ng = GradMode.noGrad()) {
            for (var e : model.namedParameters().entrySet()) {
                if (!e.getValue().requiresGrad()) continue;
                String s = e.getKey().replace(".", "");
                nameToShadow.put(e.getKey(), s);
                registerBuffer(s, e.getValue().detach().clone().detach());
            }
        }
    }

    /** The num_updates buffer as a number. */
    public int numUpdates() { return (int) buffer("num_updates").item(); }

    /** reset_num_updates. */
    public void resetNumUpdates() {
        try (var ng = GradMode.noGrad()) { buffer("num_updates").fill_(0); }
    }

    /** The shadow of a model parameter by its dotted name. */
    public Tensor shadow(String paramName) {
        String s = nameToShadow.get(paramName);
        if (s == null) throw new IllegalArgumentException("LitEma tracks no parameter '" + paramName + "'");
        return buffer(s);
    }

    /** forward(model): one EMA update. Returns the decay used. */
    public double update(Module model) {
        float decay = (float) buffer("decay").item();
        int n = numUpdates();
        if (n >= 0) {
            n += 1;
            try (var ng = GradMode.noGrad()) { buffer("num_updates").fill_(n); }
            decay = Math.min(decay, (float) ((1.0 + n) / (10.0 + n)));
        }
        float oneMinus = (float) (1.0 - decay);
        try (var ng = GradMode.noGrad()) {
            for (var e : model.namedParameters().entrySet()) {
                Tensor p = e.getValue();
                String s = nameToShadow.get(e.getKey());
                if (!p.requiresGrad()) {
                    if (s != null) throw new IllegalStateException("LitEma: parameter '" + e.getKey() + "' was trainable when the EMA was made but is frozen now");
                    continue;
                }
                if (s == null) throw new IllegalStateException("LitEma: parameter '" + e.getKey() + "' is not tracked");
                Tensor sh = buffer(s);
                if (sh.dtype() != p.dtype()) { sh = sh.to(p.dtype()).detach(); setBuffer(s, sh); }
                sh.add_(sh.sub(p).mul(oneMinus), -1);
            }
        }
        return decay;
    }

    /** copy_to(model): writes the shadow values into the model's trainable parameters. */
    public void copyTo(Module model) {
        try (var ng = GradMode.noGrad()) {
            for (var e : model.namedParameters().entrySet()) {
                if (!e.getValue().requiresGrad()) continue;
                e.getValue().copy_(shadow(e.getKey()));
            }
        }
    }

    /** store(parameters): keeps copies of the current values. */
    public void store(List<Tensor> parameters) {
        List<Tensor> c = new ArrayList<>(parameters.size());
        try (var ng = GradMode.noGrad()) { for (Tensor p : parameters) c.add(p.detach().clone().detach()); }
        collected = c;
    }

    /** restore(parameters): puts back the values saved by store. */
    public void restore(List<Tensor> parameters) {
        if (parameters.size() != collected.size())
            throw new IllegalArgumentException("LitEma.restore got " + parameters.size() + " parameters, store kept " + collected.size());
        try (var ng = GradMode.noGrad()) {
            for (int i = 0; i < parameters.size(); i++) parameters.get(i).copy_(collected.get(i));
        }
    }
}
