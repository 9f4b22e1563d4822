package ssvae.kernels.cpu;

import ssvae.kernels.cpu.conv.ConvReference;
import ssvae.tensor.ConvParams;
import ssvae.tensor.Tensor;

/** Convolution kernels (forward, grad-input, grad-weight) on contiguous NCDHW tensors. */
public final class CpuConv {
    private CpuConv() {}

    public static void forward(ConvParams p, Tensor x, Tensor w, Tensor bias, Tensor out) {
        ConvReference.forward(p, x, w, bias, out);
    }

    public static void backwardInput(ConvParams p, Tensor gradOut, Tensor w, Tensor gradIn) {
        ConvReference.backwardInput(p, gradOut, w, gradIn);
    }

    public static void backwardWeight(ConvParams p, Tensor x, Tensor gradOut, Tensor gradW) {
        ConvReference.backwardWeight(p, x, gradOut, gradW);
    }
}
