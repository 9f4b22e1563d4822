package ssvae.vae.model;

import ssvae.tensor.F;
import ssvae.tensor.Tensor;

import java.util.List;

/**
 * dc_3dvae.AttentionBlock: single-head self-attention over the H*W positions of each frame separately:
 * RMS_norm (images), 1x1 Conv2d to q|k|v (channel blocks of C), SDPA with scale 1/sqrt(C), 1x1 Conv2d proj
 * (weight zero-initialised), plus the identity. The 1x1 convs are applied as matrix products.
 */
public final class AttentionBlock extends Layer {
    final int dim;
    final Norms.Rms norm;
    final Conv toQkv, proj;

    public AttentionBlock(int dim) {
        this.dim = dim;
        norm = child("norm", new Norms.Rms(dim, 2));
        toQkv = child("to_qkv", new Conv(dim, dim * 3, 1, 1));
        proj = child("proj", new Conv(dim, dim, 1, 1));
        proj.zeroWeight();
    }

    @Override public Tensor forward(Tensor x, CausalStream s) {
        int b = x.size(0), c = x.size(1), t = x.size(2), h = x.size(3), w = x.size(4);
        Tensor f = x.permute(0, 2, 1, 3, 4).reshape(b * t, c, h * w);          // (b t) c (h w)
        f = norm.apply(f.unsqueeze(3)).squeeze(3);
        Tensor wq = toQkv.weight.value().reshape(3 * c, c);
        Tensor qkv = wq.matmul(f).add(toQkv.bias.value().reshape(3 * c, 1));   // (b t) 3c (h w)
        Tensor tokens = qkv.transpose(1, 2);                                     // (b t) (h w) 3c
        List<Tensor> parts = tokens.chunk(3, 2);
        Tensor a = attend(parts.get(0), parts.get(1), parts.get(2));                                   // (b t) (h w) c
        Tensor o = proj.weight.value().reshape(c, c).matmul(a.transpose(1, 2)).add(proj.bias.value().reshape(c, 1));
        o = o.reshape(b, t, c, h, w).permute(0, 2, 1, 3, 4);
        return o.add(x);
    }

    /** Score-matrix elements per slice of frames: attention runs over slices of frames to bound memory. */
    static final long MAX_SCORES = 1L << 24;

    private static Tensor attend(Tensor q, Tensor k, Tensor v) {
        int frames = q.size(0);
        long n = q.size(1);
        int per = (int) Math.max(1, Math.min(frames, MAX_SCORES / (n * n)));
        if (per >= frames) return F.scaledDotProductAttention(q, k, v, null, false, null);
        List<Tensor> outs = new java.util.ArrayList<>();
        for (int f = 0; f < frames; f += per) {
            int len = Math.min(per, frames - f);
            outs.add(F.scaledDotProductAttention(q.narrow(0, f, len), k.narrow(0, f, len), v.narrow(0, f, len), null, false, null));
        }
        return Tensor.cat(outs, 0);
    }
}
