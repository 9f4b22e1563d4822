package ssvae.nn;

import ssvae.tensor.F;
import ssvae.tensor.Tensor;

/** nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=True): weight 1, bias 0. */
public final class GroupNorm extends Module {
    public final int numGroups, numChannels;
    public final double eps;

    public GroupNorm(int numGroups, int numChannels) { this(numGroups, numChannels, 1e-5, true); }

    public GroupNorm(int numGroups, int numChannels, double eps, boolean affine) {
        if (numGroups < 1 || numChannels % numGroups != 0)
            throw new IllegalArgumentException("GroupNorm: num_channels " + numChannels + " must be divisible by num_groups " + numGroups);
        this.numGroups = numGroups;
        this.numChannels = numChannels;
        this.eps = eps;
        if (affine) {
            registerParameter("weight", Tensor.ones(numChannels));
            registerParameter("bias", Tensor.zeros(numChannels));
        }
    }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() < 2 || x.size(1) != numChannels)
            throw new IllegalArgumentException("GroupNorm expects " + numChannels + " channels in dim 1, got shape " + java.util.Arrays.toString(x.shape()));
        return F.groupNorm(x, numGroups, attrOrNull("weight"), attrOrNull("bias"), eps);
    }

    @Override public String toString() { return "GroupNorm(" + numGroups + ", " + numChannels + ", eps=" + eps + ")"; }
}
