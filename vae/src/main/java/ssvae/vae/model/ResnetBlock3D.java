package ssvae.vae.model;

import ssvae.tensor.ConvParams;
import ssvae.tensor.F;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

/**
 * dc_3dvae.ResnetBlock3D: x + conv2(dropout(silu(norm2(conv1(silu(norm1(x))))))), with a 1x1x1 Conv3d
 * nin_shortcut on x when the channel count changes.
 */
public final class ResnetBlock3D extends Layer {
    final int in, out;
    final double dropout;
    final Norms.Norm norm1, norm2;
    final CausalConv3d conv1, conv2;
    final Conv ninShortcut;

    public ResnetBlock3D(int in, int out, Norms.Kind norm, double dropout, String padMode) {
        this.in = in; this.out = out; this.dropout = dropout;
        norm1 = child("norm1", Norms.create(norm, in));
        conv1 = child("conv1", new CausalConv3d(in, out, padMode));
        norm2 = child("norm2", Norms.create(norm, out));
        conv2 = child("conv2", new CausalConv3d(out, out, padMode));
        ninShortcut = in != out ? child("nin_shortcut", new Conv(in, out, 1, 1, 1)) : null;
    }

    @Override public Tensor forward(Tensor x, CausalStream s) {
        Tensor h = conv1.forward(Inference.silu(norm1.apply(x)), s);
        h = Inference.silu(norm2.apply(h));
        h = F.dropout(h, dropout, training(), Generator.global());
        h = conv2.forward(h, s);
        // sc + h, accumulated into the fresh conv output (x is the caller's)
        return Inference.add(h, ninShortcut == null ? x : ninShortcut.apply(x, ConvParams.simple(1, 0)));
    }

    boolean perPosition() { return norm1.perPosition(); }
}
