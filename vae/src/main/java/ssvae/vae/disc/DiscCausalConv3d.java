package ssvae.vae.disc;

import ssvae.nn.Conv3d;
import ssvae.nn.Module;
import ssvae.nn.SpectralNorm;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;


/**
 * dc_3dvae.CausalConv3d as the 3D discriminator uses it (pad_mode 'first', kernel 3): the time axis is padded in
 * front with 2 copies of frame 0, the spatial axes with zeros (pad_2d = [top, bottom, left, right], default 1 each),
 * then a Conv3d (child "conv", spectral-normalised: conv.weight_orig / weight_u / weight_v) with stride
 * (stride, space_stride, space_stride).
 */
final class DiscCausalConv3d extends Module {
    private final int[] pad2d;

    DiscCausalConv3d(int in, int out, int stride, int spaceStride, int[] pad2d, boolean bias, Generator g) {
        this.pad2d = pad2d == null ? new int[] {1, 1, 1, 1} : pad2d.clone();
        Conv3d conv = new Conv3d(in, out, new int[] {3, 3, 3}, new int[] {stride, spaceStride, spaceStride}, new int[] {0, 0, 0},
                new int[] {1, 1, 1}, 1, bias, g);
        Disc.initNormal(conv.param("weight"), g);
        registerModule("conv", SpectralNorm.apply(conv, g));
    }

    @Override public Tensor forward(Tensor x) {
        Tensor first = x.narrow(2, 0, 1);
        x = Tensor.cat(java.util.List.of(first, first, x), 2);
        x = x.pad(new int[] {pad2d[2], pad2d[3], pad2d[0], pad2d[1]});
        return child("conv").forward(x);
    }

}
