package ssvae.autograd;

import ssvae.tensor.GradFn;
import ssvae.tensor.Tensor;

import java.lang.ref.WeakReference;

/**
 * One recorded op: its inputs (edges) and the rule that maps the output gradient to input gradients.
 * Each node has exactly one output; multi-output ops are expressed as several single-output views.
 */
public final class Node implements GradFn {
    /** Gradient rule: needs[i] says whether input i wants a gradient (PyTorch's output mask). */
    @FunctionalInterface
    public interface Rule { Tensor[] apply(Tensor gradOut, boolean[] needs); }

    final String name;
    final Tensor[] inputs;
    final boolean[] needs;
    Rule rule;
    final WeakReference<Tensor> output;
    final int[] outShape;

    Node(String name, Tensor[] inputs, boolean[] needs, Rule rule, Tensor output) {
        this.name = name; this.inputs = inputs; this.needs = needs; this.rule = rule;
        this.output = new WeakReference<>(output);
        this.outShape = output.shape();
    }

    @Override public String name() { return name; }

    boolean released() { return rule == null; }

    /** Drops saved tensors (retainGraph = false). */
    void release() { rule = null; }

    @Override public String toString() { return name; }
}
