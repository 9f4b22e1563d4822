package ssvae.nn;

import ssvae.tensor.F;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

/** nn.Linear: y = x W^T + b, weight [out, in], PyTorch default initialisation. */
public final class Linear extends Module {
    public final int inFeatures, outFeatures;

    public Linear(int inFeatures, int outFeatures, Generator g) { this(inFeatures, outFeatures, true, g); }

    public Linear(int inFeatures, int outFeatures, boolean bias, Generator g) {
        if (inFeatures < 0 || outFeatures < 0) throw new IllegalArgumentException("Linear sizes must be >= 0, got " + inFeatures + ", " + outFeatures);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        Tensor w = registerParameter("weight", Tensor.empty(outFeatures, inFeatures));
        Tensor b = bias ? registerParameter("bias", Tensor.empty(outFeatures)) : null;
        Init.resetLinearLike(w, b, g);
    }

    @Override public Tensor forward(Tensor x) {
        if (x.size(-1) != inFeatures)
            throw new IllegalArgumentException("Linear expects last dim " + inFeatures + ", got input of shape " + java.util.Arrays.toString(x.shape()));
        return F.linear(x, attr("weight"), attrOrNull("bias"));
    }

    @Override public String toString() { return "Linear(in=" + inFeatures + ", out=" + outFeatures + ", bias=" + (attrOrNull("bias") != null) + ")"; }
}
