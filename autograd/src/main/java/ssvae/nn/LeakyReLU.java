package ssvae.nn;

import ssvae.tensor.Tensor;

/** nn.LeakyReLU(negative_slope=0.01). */
public final class LeakyReLU extends Module {
    public final double negativeSlope;

    public LeakyReLU() { this(0.01); }
    public LeakyReLU(double negativeSlope) { this.negativeSlope = negativeSlope; }

    @Override public Tensor forward(Tensor x) { return x.leakyRelu(negativeSlope); }
    @Override public String toString() { return "LeakyReLU(" + negativeSlope + ")"; }
}
