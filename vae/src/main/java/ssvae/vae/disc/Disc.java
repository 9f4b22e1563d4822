package ssvae.vae.disc;

import ssvae.nn.Conv2d;
import ssvae.nn.LeakyReLU;
import ssvae.nn.Module;
import ssvae.nn.Sequential;
import ssvae.nn.SpectralNorm;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

/** Shared pieces of the PatchGAN discriminators. */
final class Disc {
    private Disc() {}

    /** lpips weights_init on a conv weight: N(0, 0.02) (applied to weight_orig under spectral norm). */
    static void initNormal(Tensor w, Generator g) {
        try (var ng = GradMode.noGrad()) {
            w.copy_(Tensor.normal(g, 0, 0.02, w.dtype(), w.device(), w.shape()));
        }
    }

    static Conv2d conv2d(int in, int out, int k, int stride, int pad, boolean bias, Generator g) {
        Conv2d c = new Conv2d(in, out, new int[] {k, k}, new int[] {stride, stride}, new int[] {pad, pad}, new int[] {1, 1}, 1, bias, g);
        initNormal(c.param("weight"), g);
        return c;
    }

    /** spectral_norm(Conv2d) followed by LeakyReLU(0.2). */
    static Sequential snConvLeaky(int in, int out, int k, int stride, int pad, boolean bias, Generator g) {
        return new Sequential(SpectralNorm.apply(conv2d(in, out, k, stride, pad, bias, g), g), new LeakyReLU(0.2));
    }

    /** [B, C, F, H, W] -> [B*F, C, H, W]. */
    static Tensor framesToBatch(Tensor x) {
        int b = x.size(0), c = x.size(1), f = x.size(2), h = x.size(3), w = x.size(4);
        return x.transpose(1, 2).contiguous().view(b * f, c, h, w);
    }

    /** [B*F, C, H, W] -> [B, C, F, H, W]. */
    static Tensor batchToFrames(Tensor x, int b, int f) {
        int c = x.size(1), h = x.size(2), w = x.size(3);
        return x.view(b, f, c, h, w).transpose(1, 2);
    }

    static Tensor run(Module m, Tensor x, boolean checkpoint) {
        return checkpoint ? Module.checkpoint(m, x) : m.forward(x);
    }

    static int log2(int v, String what) {
        if (v < 1 || Integer.bitCount(v) != 1) throw new IllegalArgumentException(what + " must be a power of two, got " + v);
        return Integer.numberOfTrailingZeros(v);
    }
}
