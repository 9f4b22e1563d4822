package ssvae.nn;

import ssvae.tensor.F;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

/** nn.Dropout(p): zeroes with probability p and scales by 1/(1-p) in training, identity in eval. */
public final class Dropout extends Module {
    public final double p;
    private final Generator gen;

    /** Draws from the global generator. */
    public Dropout(double p) { this(p, Generator.global()); }

    public Dropout(double p, Generator gen) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("Dropout probability must be in [0, 1], got " + p);
        this.p = p;
        this.gen = gen;
    }

    public Generator generator() { return gen; }

    @Override public Tensor forward(Tensor x) { return F.dropout(x, p, isTraining(), gen); }

    @Override public String toString() { return "Dropout(p=" + p + ")"; }
}
