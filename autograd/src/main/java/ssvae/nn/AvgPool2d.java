package ssvae.nn;

import ssvae.tensor.F;
import ssvae.tensor.Tensor;

/** nn.AvgPool2d(kernel) with stride = kernel and no padding (non-overlapping windows, floor mode). */
public final class AvgPool2d extends Module {
    public final int kernel;

    public AvgPool2d(int kernel) {
        if (kernel < 1) throw new IllegalArgumentException("AvgPool2d kernel must be >= 1, got " + kernel);
        this.kernel = kernel;
    }

    @Override public Tensor forward(Tensor x) { return F.avgPool2d(x, kernel); }
    @Override public String toString() { return "AvgPool2d(" + kernel + ")"; }
}
