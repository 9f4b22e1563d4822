package ssvae.nn;

import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

/** torch.nn.init: in-place initialisers drawing from a seeded {@link Generator}. */
public final class Init {
    private Init() {}

    /** _calculate_fan_in_and_fan_out: fan_in = size(1) * receptive field, fan_out = size(0) * receptive field. */
    public static int[] fans(Tensor w) {
        if (w.dim() < 2) throw new IllegalArgumentException("fan in and fan out need a tensor with at least 2 dims, got " + w.dim());
        int rf = 1;
        for (int i = 2; i < w.dim(); i++) rf *= w.size(i);
        return new int[] {w.size(1) * rf, w.size(0) * rf};
    }

    /** uniform_(lo, hi). */
    public static Tensor uniform(Tensor t, double lo, double hi, Generator g) {
        try (var ng = GradMode.noGrad()) {
            t.copy_(Tensor.uniform(g, lo, hi, t.dtype(), t.device(), t.shape()));
        }
        return t;
    }

    /** normal_(mean, std). */
    public static Tensor normal(Tensor t, double mean, double std, Generator g) {
        try (var ng = GradMode.noGrad()) {
            t.copy_(Tensor.normal(g, mean, std, t.dtype(), t.device(), t.shape()));
        }
        return t;
    }

    public static Tensor constant(Tensor t, double v) {
        try (var ng = GradMode.noGrad()) { t.fill_(v); }
        return t;
    }

    /** kaiming_uniform_(a, mode='fan_in', nonlinearity='leaky_relu'): bound = sqrt(3) * sqrt(2 / (1 + a^2)) / sqrt(fan_in). */
    public static Tensor kaimingUniform(Tensor w, double a, Generator g) {
        int fanIn = fans(w)[0];
        double gain = Math.sqrt(2.0 / (1 + a * a));
        double bound = Math.sqrt(3.0) * gain / Math.sqrt(fanIn);
        return uniform(w, -bound, bound, g);
    }

    /** The default Linear/Conv initialisation: weight kaiming_uniform_(a=sqrt(5)), bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    static void resetLinearLike(Tensor weight, Tensor bias, Generator g) {
        kaimingUniform(weight, Math.sqrt(5), g);
        if (bias != null) {
            int fanIn = fans(weight)[0];
            double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
            uniform(bias, -bound, bound, g);
        }
    }
}
