package ssvae.vae.regularizers;

import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import java.util.List;

/**
 * distributions.DiagonalGaussianDistribution over moments [B, 2D, ...]: mean | logvar split along dim 1,
 * logvar clamped to [-30, 20]; mode = mean; sample = mean + std * N(0, 1) from a seeded generator;
 * KL to N(0, I) per batch element, summed (or averaged with average_kl_loss) over the other dims.
 */
public final class DiagonalGaussian {
    private final Tensor mean, logvar;
    private final boolean averageKl;

    public DiagonalGaussian(Tensor moments, boolean averageKl) {
        if (moments.dim() < 2 || moments.size(1) % 2 != 0)
            throw new IllegalArgumentException("moments need an even channel count (mean | logvar), got " + ssvae.tensor.Shape.str(moments.shape()));
        List<Tensor> ml = moments.chunk(2, 1);
        this.mean = ml.get(0);
        this.logvar = ml.get(1).clamp(-30.0, 20.0);
        this.averageKl = averageKl;
    }

    public Tensor mean() { return mean; }
    public Tensor logvar() { return logvar; }
    public Tensor mode() { return mean; }
    public Tensor std() { return logvar.mul(0.5).exp(); }
    public Tensor var() { return logvar.exp(); }

    public Tensor sample(Generator g) {
        return mean.add(std().mul(Tensor.randn(g, mean.dtype(), mean.device(), mean.shape())));
    }

    /** kl(): 0.5 * (mean^2 + var - 1 - logvar) reduced over every dim but the batch; shape [B]. */
    public Tensor kl() {
        Tensor e = mean.square().add(var()).sub(1.0).sub(logvar).mul(0.5);
        int[] dims = new int[e.dim() - 1];
        for (int i = 0; i < dims.length; i++) dims[i] = i + 1;
        return averageKl ? e.mean(dims, false) : e.sum(dims, false);
    }
}
