package ssvae.nn;

import ssvae.tensor.Generator;

/** nn.Conv2d: input [N, C, H, W]; geometry int (all dims) or per dim. */
public final class Conv2d extends ConvNd {
    public Conv2d(int in, int out, int kernel, Generator g) {
        this(in, out, kernel, 1, 0, g);
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding, Generator g) {
        this(in, out, rep(kernel, 2), rep(stride, 2), rep(padding, 2), rep(1, 2), 1, true, g);
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias, Generator g) {
        this(in, out, rep(kernel, 2), rep(stride, 2), rep(padding, 2), rep(dilation, 2), groups, bias, g);
    }

    public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, boolean bias, Generator g) {
        super(2, in, out, kernel, stride, padding, dilation, groups, bias, g);
    }
}
