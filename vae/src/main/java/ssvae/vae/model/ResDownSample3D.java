package ssvae.vae.model;

import ssvae.tensor.ConvParams;
import ssvae.tensor.Tensor;

/**
 * dc_3dvae.ResDownSample3D: a stride-2 conv plus a DCAE channel-average shortcut.
 * compress_time: CausalConv3d(k3, stride 2 in time and space, pad_2d [0,1,0,1], 'first') and the 3-D average
 * (front padding 'constant', or 'first' under new_shuffle); otherwise a per-frame Conv2d(k3, stride 2) on the
 * input zero-padded by one row/column at the bottom/right, and the 2-D average.
 */
public final class ResDownSample3D extends Layer {
    final boolean compressTime;
    final CausalConv3d conv3;
    final Conv conv2;
    final Dcae.Average3D avg3;
    final Dcae.Average2D avg2;

    public ResDownSample3D(int in, int out, boolean compressTime, String shortcutPad) {
        this.compressTime = compressTime;
        if (compressTime) {
            conv3 = child("conv", new CausalConv3d(in, out, new int[] {3, 3, 3}, "first", 2, 2, new int[] {0, 1, 0, 1}, 1));
            conv2 = null;
            avg3 = new Dcae.Average3D(in, out, 2, shortcutPad);
            avg2 = null;
        } else {
            conv3 = null;
            conv2 = child("conv", new Conv(in, out, 3, 3));
            avg3 = null;
            avg2 = new Dcae.Average2D(in, out, 2);
        }
    }

    @Override public Tensor forward(Tensor x, CausalStream s) {
        if (compressTime) {
            Tensor h = conv3.forward(x, s);
            return Inference.add(h, avg3.forward(x, s));
        }
        ConvParams p = new ConvParams(new int[] {1, 2, 2}, new int[] {0, 0, 0}, new int[] {0, 1, 1}, new int[] {1, 1, 1}, 1);
        Tensor h = conv2.apply(x, p);
        return Inference.add(h, avg2.forward(x));
    }
}
