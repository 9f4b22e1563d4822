package ssvae.autograd;

import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Gradient checkpointing (torch.utils.checkpoint, reentrant variant): fn runs under noGrad, so none of its
 * intermediate activations are kept; in backward fn is run again with grad enabled on detached copies of the
 * inputs and the recomputed graph is differentiated.
 *
 * Gradients reach (a) the inputs, (b) the tensors listed in params, which become inputs of the checkpoint node,
 * so they work with both backward() and Autograd.grad and the node is recorded even when no input requires
 * grad, and (c) any other leaf that fn reads and that requires grad: its .grad is accumulated directly during
 * the recomputation, as PyTorch's reentrant checkpoint does (so list parameters in params when the outer call is
 * Autograd.grad, which must not touch .grad).
 *
 * Randomness: pass the Generator fn draws from; its (seed, offset) at the forward call is restored for the
 * recomputation and the generator's later state is put back afterwards, so dropout masks agree. Module state
 * changed by fn (e.g. spectral-norm power iterations in training) is changed again by the recomputation.
 */
public final class Checkpoint {
    private Checkpoint() {}

    /** Checkpoint with no listed parameters and no generator. */
    public static Tensor apply(Function<List<Tensor>, Tensor> fn, List<Tensor> inputs) {
        return apply(fn, inputs, List.of(), null);
    }

    public static Tensor apply(Function<List<Tensor>, Tensor> fn, List<Tensor> inputs, Generator gen) {
        return apply(fn, inputs, List.of(), gen);
    }

    /**
     * @param params tensors fn reads besides the inputs (typically a module's parameters); those requiring grad
     *               receive their gradients through the checkpoint node
     * @param gen    the generator fn draws from, or null
     */
    public static Tensor apply(Function<List<Tensor>, Tensor> fn, List<Tensor> inputs, List<Tensor> params, Generator gen) {
        long seed = gen == null ? 0 : gen.seed(), offset = gen == null ? 0 : gen.offset();
        List<Tensor> det = new ArrayList<>(inputs.size());
        for (Tensor x : inputs) det.add(x == null ? null : x.detach());
        Tensor out;
        try (var g = GradMode.noGrad()) { out = fn.apply(det); }
        if (out == null) throw new IllegalArgumentException("checkpointed function returned null");
        out = out.detach();
        if (!GradMode.isEnabled()) return out;

        List<Tensor> trainable = new ArrayList<>();
        Set<Tensor> listed = Collections.newSetFromMap(new IdentityHashMap<>()); // each tensor once
        for (Tensor p : params) if (p != null && p.requiresGrad() && listed.add(p)) trainable.add(p);
        int n = inputs.size();
        Tensor[] nodeInputs = new Tensor[n + trainable.size()];
        for (int i = 0; i < n; i++) nodeInputs[i] = inputs.get(i);
        for (int j = 0; j < trainable.size(); j++) nodeInputs[n + j] = trainable.get(j);

        Node.Rule rule = (gOut, needs) -> {
            List<Tensor> again = new ArrayList<>(n);
            for (Tensor x : inputs) {
                if (x == null) { again.add(null); continue; }
                Tensor d = x.detach();
                if (x.requiresGrad() && d.dtype().floating) d.requiresGrad(true);
                again.add(d);
            }
            Tensor y;
            long curSeed = gen == null ? 0 : gen.seed(), curOffset = gen == null ? 0 : gen.offset();
            if (gen != null) gen.setState(seed, offset);
            try (var g = GradMode.enableGrad()) {
                y = fn.apply(again);
            } finally {
                if (gen != null) gen.setState(curSeed, curOffset);
            }
            Tensor[] gIn = new Tensor[nodeInputs.length];
            if (!y.requiresGrad()) return gIn;

            List<Tensor> targets = new ArrayList<>();
            List<Integer> slot = new ArrayList<>(); // index into gIn, or -1 for an unlisted leaf
            for (int i = 0; i < n; i++) {
                Tensor a = again.get(i);
                if (needs[i] && a != null && a.requiresGrad()) { targets.add(a); slot.add(i); }
            }
            for (int j = 0; j < trainable.size(); j++) if (needs[n + j]) { targets.add(trainable.get(j)); slot.add(n + j); }
            Set<Tensor> known = Collections.newSetFromMap(new IdentityHashMap<>());
            known.addAll(again.stream().filter(t -> t != null).toList());
            known.addAll(trainable);
            for (Tensor leaf : leaves(y)) if (!known.contains(leaf)) { targets.add(leaf); slot.add(-1); }
            if (targets.isEmpty()) return gIn;

            List<Tensor> grads = Engine.grad(List.of(y), List.of(gOut), targets, false, true);
            for (int k = 0; k < targets.size(); k++) {
                Tensor gk = grads.get(k);
                if (gk == null) continue;
                int s = slot.get(k);
                if (s >= 0) gIn[s] = gk;
                else {
                    Tensor leaf = targets.get(k);
                    Tensor cur = leaf.grad();
                    leaf.setGrad(cur == null ? gk.to(leaf.dtype()).clone() : cur.add(gk.to(cur.dtype())));
                }
            }
            return gIn;
        };
        return AutogradOps.record("CheckpointBackward", out, rule, nodeInputs);
    }

    /** Leaves requiring grad in the graph of y, in discovery order. */
    private static List<Tensor> leaves(Tensor y) {
        List<Tensor> out = new ArrayList<>();
        Set<Tensor> seenT = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        Deque<Node> st = new ArrayDeque<>();
        if (y.gradFn() == null) { if (y.requiresGrad()) out.add(y); return out; }
        st.push((Node) y.gradFn());
        while (!st.isEmpty()) {
            Node nd = st.pop();
            if (seen.put(nd, Boolean.TRUE) != null) continue;
            for (Tensor in : nd.inputs) {
                if (in == null) continue;
                if (in.gradFn() != null) st.push((Node) in.gradFn());
                else if (in.requiresGrad() && seenT.add(in)) out.add(in);
            }
        }
        return out;
    }
}
