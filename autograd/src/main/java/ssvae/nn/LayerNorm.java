package ssvae.nn;

import ssvae.tensor.F;
import ssvae.tensor.Tensor;

import java.util.Arrays;

/** nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True): weight 1, bias 0. */
public final class LayerNorm extends Module {
    private final int[] normalizedShape;
    public final double eps;

    public LayerNorm(int... normalizedShape) { this(normalizedShape, 1e-5, true, true); }

    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine, boolean bias) {
        if (normalizedShape.length == 0) throw new IllegalArgumentException("LayerNorm needs a non-empty normalized shape");
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        if (elementwiseAffine) {
            registerParameter("weight", Tensor.ones(normalizedShape));
            if (bias) registerParameter("bias", Tensor.zeros(normalizedShape));
        }
    }

    public int[] normalizedShape() { return normalizedShape.clone(); }

    @Override public Tensor forward(Tensor x) {
        return F.layerNorm(x, normalizedShape, attrOrNull("weight"), attrOrNull("bias"), eps);
    }

    @Override public String toString() { return "LayerNorm(" + Arrays.toString(normalizedShape) + ", eps=" + eps + ")"; }
}
