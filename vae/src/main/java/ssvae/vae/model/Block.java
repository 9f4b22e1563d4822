package ssvae.vae.model;

import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal torch.nn.Module for the model: parameters and children registered by name in construction order,
 * so {@link #namedParams()} yields PyTorch's dotted state-dict keys (encoder.down.0.block.1.norm1.gamma).
 */
public abstract class Block {
    private final LinkedHashMap<String, Param> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Block> children = new LinkedHashMap<>();
    private boolean training = true;

    protected final Param param(String name, Param.Init init, int... shape) {
        Param p = new Param(shape, init);
        if (params.put(name, p) != null || children.containsKey(name)) throw new IllegalStateException("duplicate name " + name);
        return p;
    }

    protected final <B extends Block> B child(String name, B b) {
        if (children.put(name, b) != null || params.containsKey(name)) throw new IllegalStateException("duplicate name " + name);
        return b;
    }

    public final Map<String, Block> children() { return java.util.Collections.unmodifiableMap(children); }

    /** named_parameters(): own parameters first, then children depth-first, in registration order. */
    public final LinkedHashMap<String, Param> namedParams() {
        LinkedHashMap<String, Param> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Param> out) {
        for (var e : params.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (var e : children.entrySet()) e.getValue().collect(prefix + e.getKey() + ".", out);
    }

    public final long paramCount() {
        long n = 0;
        for (Param p : namedParams().values()) n += p.numel();
        return n;
    }

    /** state_dict(): key to value (parameters must be allocated). */
    public final LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (var e : namedParams().entrySet()) out.put(e.getKey(), e.getValue().value());
        return out;
    }

    /** Allocates every parameter with PyTorch's default initialisation for its layer, drawn from g. */
    public final void allocate(DType dtype, Device device, Generator g) {
        try (var ng = GradMode.noGrad()) {
            initialise(dtype, device, g);
        }
    }

    private void initialise(DType dtype, Device device, Generator g) {
        for (Param p : params.values()) {
            int[] s = p.shape();
            Tensor t = switch (p.init()) {
                case ONES -> Tensor.ones(dtype, device, s);
                case ZEROS -> Tensor.zeros(dtype, device, s);
                case NORMAL -> Tensor.randn(g, dtype, device, s);
                case UNIFORM_FAN_IN -> {
                    double bound = 1.0 / Math.sqrt(fanIn());
                    yield Tensor.uniform(g, -bound, bound, dtype, device, s);
                }
            };
            p.set(t);
        }
        for (Block c : children.values()) c.initialise(dtype, device, g);
    }

    /** Fan-in used by UNIFORM_FAN_IN parameters (kaiming_uniform(a=sqrt(5)) and the matching bias bound). */
    protected int fanIn() { throw new IllegalStateException(getClass().getSimpleName() + " has no fan-in"); }

    /**
     * load_state_dict: copies every tensor into the matching parameter (converted to the parameter's dtype when
     * allocated, else F32). strict: missing or unexpected keys are an error listing them.
     */
    public final void loadStateDict(Map<String, Tensor> sd, boolean strict) {
        LinkedHashMap<String, Param> mine = namedParams();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
        for (String k : mine.keySet()) if (!sd.containsKey(k)) missing.add(k);
        for (String k : sd.keySet()) if (!mine.containsKey(k)) unexpected.add(k);
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty()))
            throw new IllegalArgumentException("state dict mismatch: missing " + head(missing) + ", unexpected " + head(unexpected));
        for (var e : mine.entrySet()) {
            Tensor t = sd.get(e.getKey());
            if (t == null) continue;
            Param p = e.getValue();
            if (!java.util.Arrays.equals(t.shape(), p.shape()))
                throw new IllegalArgumentException("state dict key " + e.getKey() + ": shape " + Shape.str(t.shape()) + ", model expects " + Shape.str(p.shape()));
            DType dt = p.allocated() ? p.value().dtype() : DType.F32;
            try (var ng = GradMode.noGrad()) {
                p.set(t.to(dt).contiguous().clone());
            }
        }
    }

    private static String head(List<String> keys) {
        if (keys.size() <= 5) return keys.toString();
        return keys.subList(0, 5) + " and " + (keys.size() - 5) + " more";
    }

    /** train()/eval(), recursively (dropout is the only mode-dependent layer here). */
    public final void train(boolean on) {
        training = on;
        for (Block c : children.values()) c.train(on);
    }

    public final boolean training() { return training; }

    /** requires_grad_(trainable) on every parameter of this block. */
    public final void setTrainable(boolean on) {
        for (Param p : namedParams().values()) p.setTrainable(on);
    }
}
