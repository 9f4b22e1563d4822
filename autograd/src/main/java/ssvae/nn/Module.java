package ssvae.nn;

import ssvae.autograd.Checkpoint;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * torch.nn.Module: parameters, buffers and children registered by name in order, dotted PyTorch names
 * ("encoder.conv_in.conv.weight"), state dicts, train/eval, device/dtype moves, freezing.
 *
 * Parameters are plain {@link Tensor} leaves with requiresGrad(true) (see {@link Parameter}). Layers read their
 * tensors through {@link #attr(String)}, which also resolves computed attributes (spectral norm's "weight").
 * Single-input modules override {@link #forward(Tensor)}; multi-input modules add their own methods.
 */
public abstract class Module {
    private final LinkedHashMap<String, Tensor> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> nonPersistent = new LinkedHashSet<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private final LinkedHashMap<String, Supplier<Tensor>> computed = new LinkedHashMap<>();
    private boolean training = true;

    /** The module's computation on one tensor; modules without a single-tensor forward say so. */
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no single-tensor forward; call its own methods");
    }

    // ------------------------------------------------------------------ registration

    private static void checkName(String kind, String name) {
        if (name == null || name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException(kind + " name must be non-empty and contain no '.', got '" + name + "'");
    }

    private void checkFree(String name) {
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name) || computed.containsKey(name))
            throw new IllegalArgumentException("attribute '" + name + "' already exists in " + getClass().getSimpleName());
    }

    /** register_parameter: t becomes a leaf requiring grad (floating dtype); returns the registered tensor. */
    protected Tensor registerParameter(String name, Tensor t) {
        checkName("parameter", name);
        checkFree(name);
        Tensor p = Parameter.of(t);
        params.put(name, p);
        return p;
    }

    /** register_buffer(name, t, persistent): persistent buffers appear in the state dict; returns the stored tensor. */
    protected Tensor registerBuffer(String name, Tensor t, boolean persistent) {
        checkName("buffer", name);
        checkFree(name);
        if (t == null) throw new IllegalArgumentException("buffer '" + name + "' is null");
        Tensor b = plain(t);
        buffers.put(name, b);
        if (!persistent) nonPersistent.add(name);
        return b;
    }

    /** t itself when it is a leaf outside the graph, else a detached view. */
    private static Tensor plain(Tensor t) { return t.isLeaf() && !t.requiresGrad() ? t : t.detach(); }

    protected Tensor registerBuffer(String name, Tensor t) { return registerBuffer(name, t, true); }

    /** add_module / attribute assignment of a submodule. */
    protected <M extends Module> M registerModule(String name, M m) {
        checkName("module", name);
        checkFree(name);
        if (m == null) throw new IllegalArgumentException("module '" + name + "' is null");
        children.put(name, m);
        return m;
    }

    /** Removes a parameter (e.g. spectral norm replacing "weight" by "weight_orig"); returns it. */
    Tensor removeParameter(String name) {
        Tensor t = params.remove(name);
        if (t == null) throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter '" + name + "'");
        return t;
    }

    /** Registers an attribute computed on each access (spectral norm's weight). */
    void registerComputed(String name, Supplier<Tensor> f) {
        checkFree(name);
        computed.put(name, f);
    }

    /** The parameter, buffer or computed attribute of that name (getattr). */
    public Tensor attr(String name) {
        Supplier<Tensor> f = computed.get(name);
        if (f != null) return f.get();
        Tensor t = params.get(name);
        if (t != null) return t;
        t = buffers.get(name);
        if (t != null) return t;
        throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter or buffer '" + name + "'");
    }

    /** The attribute or null when absent (e.g. a layer built without bias). */
    public Tensor attrOrNull(String name) {
        return computed.containsKey(name) || params.containsKey(name) || buffers.containsKey(name) ? attr(name) : null;
    }

    /** Own parameter by name. */
    public Tensor param(String name) {
        Tensor t = params.get(name);
        if (t == null) throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter '" + name + "'");
        return t;
    }

    /** Own buffer by name. */
    public Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) throw new IllegalArgumentException(getClass().getSimpleName() + " has no buffer '" + name + "'");
        return t;
    }

    /** Replaces the tensor of an existing buffer (running statistics and the like). */
    protected void setBuffer(String name, Tensor t) {
        if (!buffers.containsKey(name)) throw new IllegalArgumentException(getClass().getSimpleName() + " has no buffer '" + name + "'");
        buffers.put(name, plain(t));
    }

    /** Child by name; for dotted paths use {@link #getSubmodule(String)}. */
    public Module child(String name) {
        Module m = children.get(name);
        if (m == null) throw new IllegalArgumentException(getClass().getSimpleName() + " has no submodule '" + name + "'");
        return m;
    }

    /** get_submodule("a.b.c"); the empty string is this module. */
    public Module getSubmodule(String path) {
        Module m = this;
        if (path.isEmpty()) return m;
        for (String part : path.split("\\.")) m = m.child(part);
        return m;
    }

    /** Direct children in registration order. */
    public Map<String, Module> namedChildren() { return Collections.unmodifiableMap(children); }

    public List<Module> children() { return new ArrayList<>(children.values()); }

    // ------------------------------------------------------------------ traversal

    /** named_modules: this module ("") and all descendants, preorder, each module once. */
    public LinkedHashMap<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collectModules("", out, seen);
        return out;
    }

    private void collectModules(String prefix, LinkedHashMap<String, Module> out, Set<Module> seen) {
        if (!seen.add(this)) return;
        out.put(prefix, this);
        for (var e : children.entrySet()) e.getValue().collectModules(join(prefix, e.getKey()), out, seen);
    }

    private static String join(String prefix, String name) { return prefix.isEmpty() ? name : prefix + "." + name; }

    /** named_parameters: dotted names, each tensor once (shared parameters keep their first name). */
    public LinkedHashMap<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (var m : namedModules().entrySet())
            for (var p : m.getValue().params.entrySet())
                if (seen.add(p.getValue())) out.put(join(m.getKey(), p.getKey()), p.getValue());
        return out;
    }

    public List<Tensor> parameters() { return new ArrayList<>(namedParameters().values()); }

    /** named_buffers (persistent and not). */
    public LinkedHashMap<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (var m : namedModules().entrySet())
            for (var b : m.getValue().buffers.entrySet()) out.put(join(m.getKey(), b.getKey()), b.getValue());
        return out;
    }

    /** Number of parameter elements (each shared tensor counted once). */
    public long numParameters() { return numParameters(false); }

    public long numParameters(boolean trainableOnly) {
        long n = 0;
        for (Tensor p : parameters()) if (!trainableOnly || p.requiresGrad()) n += p.numel();
        return n;
    }

    /** Module.apply: fn on every descendant (children first) and then on this. */
    public Module apply(Consumer<Module> fn) {
        for (Module c : children.values()) c.apply(fn);
        fn.accept(this);
        return this;
    }

    // ------------------------------------------------------------------ state dict

    /** state_dict: parameters and persistent buffers, module by module in registration order (detached views). */
    public LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        saveTo(out, "");
        return out;
    }

    private void saveTo(LinkedHashMap<String, Tensor> out, String prefix) {
        for (var p : params.entrySet()) out.put(prefix + p.getKey(), p.getValue().detach());
        for (var b : buffers.entrySet()) if (!nonPersistent.contains(b.getKey())) out.put(prefix + b.getKey(), b.getValue().detach());
        for (var c : children.entrySet()) c.getValue().saveTo(out, prefix + c.getKey() + ".");
    }

    /** Keys the checkpoint lacks and keys the model does not know, as load_state_dict returns them. */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {}

    /**
     * load_state_dict: values are copied in place (GradMode.noGrad) into the existing tensors, so parameter
     * identity is kept (optimizers stay valid); dtypes convert to the model's. A shape mismatch is always an
     * error naming the key and both shapes. With strict, missing or unexpected keys are one error listing them.
     */
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        LinkedHashMap<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatch = new ArrayList<>();
        for (String k : own.keySet()) if (!state.containsKey(k)) missing.add(k);
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null && !java.util.Arrays.equals(src.shape(), e.getValue().shape()))
                mismatch.add("size mismatch for " + e.getKey() + ": copying a tensor of shape " + Shape.str(src.shape())
                        + " from the checkpoint, the shape in the current model is " + Shape.str(e.getValue().shape()));
        }
        if (!mismatch.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder sb = new StringBuilder("error(s) in loading state dict for " + getClass().getSimpleName() + ":");
            if (strict && !missing.isEmpty()) sb.append(" missing key(s): ").append(String.join(", ", missing)).append(";");
            if (strict && !unexpected.isEmpty()) sb.append(" unexpected key(s): ").append(String.join(", ", unexpected)).append(";");
            for (String m : mismatch) sb.append(' ').append(m).append(';');
            throw new IllegalArgumentException(sb.substring(0, sb.length() - 1));
        }
        try (var g = GradMode.noGrad()) {
            for (var e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src == null) continue;
                Tensor dst = e.getValue();
                dst.copy_(src.detach().to(dst.dtype(), dst.device()));
            }
        }
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    /** load_state_dict(state, strict=True). */
    public LoadResult loadStateDict(Map<String, Tensor> state) { return loadStateDict(state, true); }

    // ------------------------------------------------------------------ modes and moves

    /** train(mode), recursive; returns this. */
    public Module train(boolean mode) {
        apply(m -> m.training = mode);
        return this;
    }

    public Module train() { return train(true); }
    public Module eval() { return train(false); }
    public boolean isTraining() { return training; }

    /** requires_grad_(b) on every parameter of this sub-tree (freezing); returns this. */
    public Module requiresGrad(boolean b) {
        for (Tensor p : parameters()) p.requiresGrad(b);
        return this;
    }

    /** zero_grad(set_to_none=True). */
    public void zeroGrad() { zeroGrad(true); }

    public void zeroGrad(boolean setToNone) {
        try (var g = GradMode.noGrad()) {
            for (Tensor p : parameters()) {
                if (p.grad() == null) continue;
                if (setToNone) p.setGrad(null);
                else p.grad().zero_();
            }
        }
    }

    /**
     * Moves parameters and buffers to a device. Tensors keep their storage for life, so a moved parameter is a
     * new leaf tensor (same requiresGrad, gradient dropped) registered under the same name: build optimizers
     * after moving, as PyTorch recommends. Tensors already on the device are untouched.
     */
    public Module to(Device d) { return convert(null, d); }

    /** Converts floating parameters and buffers to a dtype (integer buffers stay), same identity rule as to(Device). */
    public Module to(DType dt) {
        if (!dt.floating) throw new IllegalArgumentException("Module.to(dtype) needs a floating dtype, got " + dt);
        return convert(dt, null);
    }

    private Module convert(DType dt, Device d) {
        Map<Tensor, Tensor> moved = new IdentityHashMap<>(); // shared tensors stay shared
        try (var g = GradMode.noGrad()) {
            for (Module m : namedModules().values()) {
                for (var e : m.params.entrySet()) {
                    Tensor p = e.getValue();
                    Tensor q = moved.computeIfAbsent(p, x -> {
                        Tensor c = moveOne(x, dt, d);
                        return c == x ? x : Parameter.of(c).requiresGrad(x.requiresGrad());
                    });
                    e.setValue(q);
                }
                for (var e : m.buffers.entrySet()) e.setValue(moved.computeIfAbsent(e.getValue(), x -> moveOne(x, dt, d)));
            }
        }
        return this;
    }

    private static Tensor moveOne(Tensor x, DType dt, Device d) {
        DType t = dt != null && x.dtype().floating ? dt : x.dtype();
        Device v = d != null ? d : x.device();
        return t == x.dtype() && v.equals(x.device()) ? x : x.detach().to(t, v).detach();
    }

    // ------------------------------------------------------------------ checkpointing

    /**
     * Runs child.forward(x) under gradient checkpointing: activations inside the child are not kept but
     * recomputed in backward. gen (may be null) is the generator the child draws random numbers from
     * (dropout); its state is restored for the recomputation so the same masks come out.
     */
    public static Tensor checkpoint(Module child, Tensor x, Generator gen) {
        return Checkpoint.apply(in -> child.forward(in.get(0)), List.of(x), child.parameters(), gen);
    }

    public static Tensor checkpoint(Module child, Tensor x) { return checkpoint(child, x, null); }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(');
        boolean first = true;
        for (var c : children.entrySet()) {
            sb.append(first ? "\n" : "").append("  (").append(c.getKey()).append("): ")
                    .append(c.getValue().toString().replace("\n", "\n  ")).append('\n');
            first = false;
        }
        return sb.append(')').toString();
    }
}
