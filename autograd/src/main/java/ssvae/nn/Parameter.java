package ssvae.nn;

import ssvae.tensor.Tensor;

/**
 * nn.Parameter as a factory: a parameter is a plain floating leaf {@link Tensor} with requiresGrad(true)
 * (Tensor is final, so there is no subclass). A leaf is marked in place; a non-leaf is detached first.
 */
public final class Parameter {
    private Parameter() {}

    public static Tensor of(Tensor t) {
        if (t == null) throw new IllegalArgumentException("parameter tensor is null");
        if (!t.dtype().floating) throw new IllegalArgumentException("parameters must be floating, got " + t.dtype());
        Tensor p = t.isLeaf() ? t : t.detach();
        if (!p.requiresGrad()) p.requiresGrad(true);
        return p;
    }
}
