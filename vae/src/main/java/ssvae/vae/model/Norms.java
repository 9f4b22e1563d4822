package ssvae.vae.model;

import ssvae.tensor.F;
import ssvae.tensor.Tensor;

/** The three normalisations of dc_3dvae (option norm: rmsnorm, groupnorm, layernorm), over channel dim 1. */
public final class Norms {
    private Norms() {}

    public enum Kind {
        RMS, GROUP, LAYER;

        /** Official rule: "groupnorm" and "layernorm" by name, anything else is RMS_norm. */
        public static Kind parse(String s) {
            return switch (s) { case "groupnorm" -> GROUP; case "layernorm" -> LAYER; default -> RMS; };
        }
    }

    /** A norm over channels of a [B, C, ...] tensor. */
    public abstract static class Norm extends Block {
        public abstract Tensor apply(Tensor x);
        /** True when the output at one position depends only on that position (safe for chunking in time). */
        public abstract boolean perPosition();
    }

    public static Norm create(Kind k, int channels) {
        return switch (k) {
            case RMS -> new Rms(channels, 3);
            case GROUP -> new Group(channels);
            case LAYER -> new Layer(channels);
        };
    }

    /** RMS_norm: F.normalize(x, dim=1) * sqrt(C) * gamma, gamma [C, 1, 1(, 1)] (bias=False). */
    public static final class Rms extends Norm {
        final double scale;
        final Param gamma;

        /** spatialDims: 3 for video tensors, 2 for images (images=True). */
        public Rms(int channels, int spatialDims) {
            scale = Math.sqrt(channels);
            int[] s = new int[1 + spatialDims];
            java.util.Arrays.fill(s, 1);
            s[0] = channels;
            gamma = param("gamma", Param.Init.ONES, s);
        }

        @Override public Tensor apply(Tensor x) { return Inference.mul(F.normalize(x, 2, 1, 1e-12).mul(scale), gamma.value()); }
        @Override public boolean perPosition() { return true; }
    }

    /** GroupNormalize3D: GroupNorm(32 groups, eps 1e-6, affine). */
    public static final class Group extends Norm {
        final Param weight, bias;

        public Group(int channels) {
            if (channels % 32 != 0) throw new IllegalArgumentException("groupnorm uses 32 groups; " + channels + " channels are not divisible by 32");
            weight = param("weight", Param.Init.ONES, channels);
            bias = param("bias", Param.Init.ZEROS, channels);
        }

        @Override public Tensor apply(Tensor x) { return F.groupNorm(x, 32, weight.value(), bias.value(), 1e-6); }
        @Override public boolean perPosition() { return false; }
    }

    /** dc_3dvae.LayerNorm(C): torch LayerNorm over channels moved last, default eps 1e-5, affine. */
    public static final class Layer extends Norm {
        final int channels;
        final Param weight, bias;

        public Layer(int channels) {
            this.channels = channels;
            weight = param("weight", Param.Init.ONES, channels);
            bias = param("bias", Param.Init.ZEROS, channels);
        }

        @Override public Tensor apply(Tensor x) {
            int n = x.dim();
            int[] toLast = new int[n], back = new int[n];
            toLast[0] = 0;
            for (int i = 1; i < n - 1; i++) toLast[i] = i + 1;
            toLast[n - 1] = 1;
            for (int i = 0; i < n; i++) back[toLast[i]] = i;
            Tensor y = F.layerNorm(x.permute(toLast), new int[] {channels}, weight.value(), bias.value(), 1e-5);
            return y.permute(back);
        }

        @Override public boolean perPosition() { return true; }
    }
}
