package ssvae.kernels.cpu;

import ssvae.tensor.ConvParams;
import ssvae.tensor.Tensor;

/** Convolution kernels (forward, grad-input, grad-weight) lowered onto SGEMM. */
public final class CpuConv {
    private CpuConv() {}

    public static void forward(ConvParams p, Tensor x, Tensor w, Tensor bias, Tensor out) {
        throw new UnsupportedOperationException("conv forward lands with the SGEMM/conv kernels");
    }

    public static void backwardInput(ConvParams p, Tensor gradOut, Tensor w, Tensor gradIn) {
        throw new UnsupportedOperationException("conv grad-input lands with the SGEMM/conv kernels");
    }

    public static void backwardWeight(ConvParams p, Tensor x, Tensor gradOut, Tensor gradW) {
        throw new UnsupportedOperationException("conv grad-weight lands with the SGEMM/conv kernels");
    }
}
