package ssvae.autograd;

import ssvae.tensor.GradMode;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reverse pass: topological order by dependency counts (Kahn), gradients summed per node,
 * leaves accumulate into .grad. For partial gradients ({@link #grad}) only nodes on a path to the
 * requested inputs run, and no .grad is touched, as torch.autograd.grad.
 */
final class Engine {
    private Engine() {}

    static void backward(List<Tensor> roots, List<Tensor> seeds, boolean retainGraph) {
        run(roots, seeds, retainGraph, null);
    }

    static List<Tensor> grad(List<Tensor> outputs, List<Tensor> seeds, List<Tensor> inputs, boolean retainGraph, boolean allowUnused) {
        Map<Tensor, Tensor> captured = new IdentityHashMap<>();
        run(outputs, seeds, retainGraph, new Capture(inputs, captured));
        List<Tensor> res = new ArrayList<>(inputs.size());
        for (Tensor in : inputs) {
            Tensor g = captured.get(in);
            if (g == null && !allowUnused)
                throw new IllegalStateException("one of the differentiated tensors does not appear in the graph of the outputs (use allowUnused)");
            res.add(g);
        }
        return res;
    }

    private record Capture(List<Tensor> inputs, Map<Tensor, Tensor> out) {
        boolean isTarget(Tensor t) {
            for (Tensor i : inputs) if (i == t) return true;
            return false;
        }
    }

    private static Tensor seedFor(Tensor root, Tensor seed) {
        if (seed != null) {
            if (!Arrays.equals(seed.shape(), root.shape()))
                throw new IllegalArgumentException("gradient of shape " + Shape.str(seed.shape()) + " does not match output of shape " + Shape.str(root.shape()));
            return seed;
        }
        if (root.numel() != 1) throw new IllegalStateException("grad can be implicitly created only for scalar outputs; output has shape " + Shape.str(root.shape()));
        return root.onesLike();
    }

    private static void run(List<Tensor> roots, List<Tensor> seeds, boolean retainGraph, Capture cap) {
        try (var g = GradMode.noGrad()) {
            Map<Node, Tensor> grads = new IdentityHashMap<>();
            List<Node> rootNodes = new ArrayList<>();
            for (int i = 0; i < roots.size(); i++) {
                Tensor r = roots.get(i);
                if (!r.requiresGrad()) throw new IllegalStateException("element " + i + " of tensors does not require grad and does not have a grad_fn");
                Tensor s = seedFor(r, seeds == null ? null : seeds.get(i));
                Node n = (Node) r.gradFn();
                if (n == null) { // a leaf root
                    if (cap != null) { if (cap.isTarget(r)) cap.out.merge(r, s, Tensor::add); }
                    else accumulateLeaf(r, s);
                    continue;
                }
                grads.merge(n, s, Tensor::add);
                rootNodes.add(n);
            }
            // discover graph, count dependencies
            Map<Node, Integer> deps = new IdentityHashMap<>();
            Set<Node> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            Deque<Node> stack = new ArrayDeque<>(rootNodes);
            List<Node> order = new ArrayList<>();
            while (!stack.isEmpty()) {
                Node n = stack.pop();
                if (!seen.add(n)) continue;
                order.add(n);
                for (Tensor in : n.inputs) {
                    if (in == null) continue;
                    Node p = (Node) in.gradFn();
                    if (p != null) { deps.merge(p, 1, Integer::sum); stack.push(p); }
                }
            }
            Set<Node> needed = cap == null ? null : neededNodes(order, cap);
            Deque<Node> ready = new ArrayDeque<>();
            Set<Node> queued = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (Node n : rootNodes) if (deps.getOrDefault(n, 0) == 0 && queued.add(n)) ready.add(n);
            while (!ready.isEmpty()) {
                Node n = ready.poll();
                Tensor gOut = grads.remove(n);
                Tensor outT = n.output.get();
                if (cap != null && outT != null && cap.isTarget(outT) && gOut != null) cap.out.merge(outT, gOut, Tensor::add);
                if (cap == null && outT != null && outT.retainsGrad() && gOut != null) outT.setGrad(outT.grad() == null ? gOut : outT.grad().add(gOut));
                boolean run = gOut != null && (needed == null || needed.contains(n));
                Tensor[] gIn = null;
                if (run) {
                    if (n.released()) throw new IllegalStateException("trying to backward through the graph a second time (" + n.name
                            + "): pass retainGraph=true the first time");
                    boolean[] needs = n.needs.clone();
                    if (needed != null) {
                        for (int i = 0; i < needs.length; i++) {
                            Tensor in = n.inputs[i];
                            if (in == null) { needs[i] = false; continue; }
                            Node p = (Node) in.gradFn();
                            needs[i] = needs[i] && (p != null ? needed.contains(p) : cap.isTarget(in));
                        }
                    }
                    boolean anyNeeded = false;
                    for (boolean b : needs) anyNeeded |= b;
                    if (anyNeeded) { // e.g. the node of a requested non-leaf input: nothing upstream wants a gradient
                        gIn = n.rule.apply(gOut, needs);
                        if (!retainGraph) n.release();
                    }
                }
                for (int i = 0; i < n.inputs.length; i++) {
                    Tensor in = n.inputs[i];
                    if (in == null) continue;
                    Tensor gi = gIn == null || i >= gIn.length ? null : gIn[i];
                    Node p = (Node) in.gradFn();
                    if (gi != null && !Arrays.equals(gi.shape(), in.shape()))
                        throw new IllegalStateException(n.name + " returned a gradient of shape " + Shape.str(gi.shape())
                                + " for input " + i + " of shape " + Shape.str(in.shape()));
                    if (p == null) {
                        if (gi != null && in.requiresGrad()) {
                            if (cap != null) { if (cap.isTarget(in)) cap.out.merge(in, gi, Tensor::add); }
                            else accumulateLeaf(in, gi);
                        }
                    } else {
                        if (gi != null) grads.merge(p, gi, Tensor::add);
                        int left = deps.merge(p, -1, Integer::sum);
                        if (left == 0 && queued.add(p)) ready.add(p);
                    }
                }
            }
        }
    }

    /** Nodes from which a captured input can be reached. */
    private static Set<Node> neededNodes(List<Node> discovered, Capture cap) {
        Map<Node, Boolean> memo = new IdentityHashMap<>();
        // iterative post-order over the discovered DAG
        for (Node start : discovered) {
            if (memo.containsKey(start)) continue;
            Deque<Node> st = new ArrayDeque<>();
            st.push(start);
            while (!st.isEmpty()) {
                Node n = st.peek();
                boolean ready = true, need = false;
                Tensor outT = n.output.get();
                if (outT != null && cap.isTarget(outT)) need = true;
                for (Tensor in : n.inputs) {
                    if (in == null) continue;
                    Node p = (Node) in.gradFn();
                    if (p == null) { if (cap.isTarget(in)) need = true; continue; }
                    Boolean m = memo.get(p);
                    if (m == null) { ready = false; st.push(p); }
                    else if (m) need = true;
                }
                if (ready) { st.pop(); memo.put(n, need); }
            }
        }
        Set<Node> out = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (var e : memo.entrySet()) if (e.getValue()) out.add(e.getKey());
        return out;
    }

    private static void accumulateLeaf(Tensor leaf, Tensor g) {
        Tensor cur = leaf.grad();
        // a fresh buffer: the incoming gradient may be shared with other inputs (e.g. AddBackward)
        leaf.setGrad(cur == null ? g.to(leaf.dtype()).clone() : cur.add(g.to(cur.dtype())));
    }

    static Set<Tensor> identitySet() { return java.util.Collections.newSetFromMap(new IdentityHashMap<>()); }

    @SuppressWarnings("unused")
    private static final Set<Object> UNUSED = new HashSet<>();
}
