package ssvae.nn;

import ssvae.tensor.Tensor;

/** nn.SiLU: x * sigmoid(x). */
public final class SiLU extends Module {
    @Override public Tensor forward(Tensor x) { return x.silu(); }
    @Override public String toString() { return "SiLU()"; }
}
