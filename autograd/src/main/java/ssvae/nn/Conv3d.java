package ssvae.nn;

import ssvae.tensor.Generator;

/** nn.Conv3d: input [N, C, D, H, W]; geometry int (all dims) or per dim. */
public final class Conv3d extends ConvNd {
    public Conv3d(int in, int out, int kernel, Generator g) {
        this(in, out, kernel, 1, 0, g);
    }

    public Conv3d(int in, int out, int kernel, int stride, int padding, Generator g) {
        this(in, out, rep(kernel, 3), rep(stride, 3), rep(padding, 3), rep(1, 3), 1, true, g);
    }

    public Conv3d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias, Generator g) {
        this(in, out, rep(kernel, 3), rep(stride, 3), rep(padding, 3), rep(dilation, 3), groups, bias, g);
    }

    public Conv3d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, boolean bias, Generator g) {
        super(3, in, out, kernel, stride, padding, dilation, groups, bias, g);
    }
}
