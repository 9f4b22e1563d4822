package ssvae.tensor;

/** The node of the autograd graph that produced a tensor; implemented by the autograd module. */
public interface GradFn {
    /** Op name, e.g. "ConvBackward". */
    String name();
}
