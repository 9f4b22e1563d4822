package ssvae.vae.model;

import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;

/**
 * A named model parameter (torch.nn.Parameter). The shape is fixed at construction; the value is allocated
 * later (or never: a shape-only model answers parameter counts and state-dict manifests without memory).
 */
public final class Param {
    private final int[] shape;
    private Init init;
    private Tensor value;
    private boolean trainable = true;

    /** How a fresh parameter is filled (PyTorch's defaults for the owning layer). */
    public enum Init { ONES, ZEROS, NORMAL, UNIFORM_FAN_IN }

    Param(int[] shape, Init init) {
        this.shape = shape.clone();
        this.init = init;
    }

    public int[] shape() { return shape.clone(); }
    public long numel() { long n = 1; for (int s : shape) n *= s; return n; }
    public Init init() { return init; }

    /** Switches the initialisation to zeros (nn.init.zeros_ applied after construction). */
    void setZeroInit() { init = Init.ZEROS; }
    public boolean allocated() { return value != null; }
    public boolean trainable() { return trainable; }

    /** The value; fails on a shape-only model. */
    public Tensor value() {
        if (value == null) throw new IllegalStateException("parameter of shape " + Shape.str(shape) + " is not allocated (shape-only model)");
        return value;
    }

    /** Replaces the value; the shape must match. Keeps requiresGrad in step with trainable. */
    public void set(Tensor t) {
        if (!java.util.Arrays.equals(t.shape(), shape))
            throw new IllegalArgumentException("shape " + Shape.str(t.shape()) + " does not match parameter shape " + Shape.str(shape));
        value = t.detach();
        if (trainable && value.dtype().floating) value.requiresGrad(true);
    }

    /** requires_grad_(b): frozen parameters take no gradient. */
    public void setTrainable(boolean b) {
        trainable = b;
        if (value != null) value.requiresGrad(b);
    }
}
