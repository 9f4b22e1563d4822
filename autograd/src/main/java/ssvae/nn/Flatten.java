package ssvae.nn;

import ssvae.tensor.Tensor;

/** nn.Flatten(start_dim=1, end_dim=-1). */
public final class Flatten extends Module {
    private final int start, end;

    public Flatten() { this(1, -1); }
    public Flatten(int startDim, int endDim) { this.start = startDim; this.end = endDim; }

    @Override public Tensor forward(Tensor x) { return x.flatten(start, end); }
    @Override public String toString() { return "Flatten(" + start + ", " + end + ")"; }
}
