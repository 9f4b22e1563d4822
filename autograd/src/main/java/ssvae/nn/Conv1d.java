package ssvae.nn;

import ssvae.tensor.Generator;

/** nn.Conv1d: input [N, C, L]; geometry int (all dims) or per dim. */
public final class Conv1d extends ConvNd {
    public Conv1d(int in, int out, int kernel, Generator g) {
        this(in, out, kernel, 1, 0, g);
    }

    public Conv1d(int in, int out, int kernel, int stride, int padding, Generator g) {
        this(in, out, rep(kernel, 1), rep(stride, 1), rep(padding, 1), rep(1, 1), 1, true, g);
    }

    public Conv1d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias, Generator g) {
        this(in, out, rep(kernel, 1), rep(stride, 1), rep(padding, 1), rep(dilation, 1), groups, bias, g);
    }

    public Conv1d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, boolean bias, Generator g) {
        super(1, in, out, kernel, stride, padding, dilation, groups, bias, g);
    }
}
