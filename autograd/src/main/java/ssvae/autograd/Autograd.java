package ssvae.autograd;

import ssvae.tensor.Tensor;

import java.util.List;

/** Public entry points of the reverse-mode engine (torch.autograd). */
public final class Autograd {
    private Autograd() {}

    /** torch.autograd.backward. */
    public static void backward(List<Tensor> outputs, List<Tensor> gradOutputs, boolean retainGraph) {
        Engine.backward(outputs, gradOutputs, retainGraph);
    }

    /**
     * torch.autograd.grad(outputs, inputs, grad_outputs, retain_graph, allow_unused): gradients of the outputs
     * w.r.t. the inputs, without touching any .grad. Only the part of the graph that leads to the inputs runs.
     * Higher-order gradients (create_graph) are not supported.
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs, boolean retainGraph, boolean allowUnused) {
        return Engine.grad(outputs, gradOutputs, inputs, retainGraph, allowUnused);
    }

    /** Gradient of a scalar output w.r.t. one input. */
    public static Tensor grad(Tensor output, Tensor input, boolean retainGraph) {
        return Engine.grad(List.of(output), null, List.of(input), retainGraph, false).get(0);
    }
}
