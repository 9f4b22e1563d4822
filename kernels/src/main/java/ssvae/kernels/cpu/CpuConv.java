package ssvae.kernels.cpu;

import ssvae.kernels.cpu.conv.ConvFast;
import ssvae.kernels.cpu.conv.ConvReference;
import ssvae.tensor.ConvParams;
import ssvae.tensor.DType;
import ssvae.tensor.Tensor;

/**
 * Convolution kernels (forward, grad-input, grad-weight) on contiguous NCDHW tensors: F32 runs the GEMM-lowered
 * {@link ConvFast}; other dtypes (F64 for gradient checks, halves) run the double-accumulating {@link ConvReference}.
 */
public final class CpuConv {
    private CpuConv() {}

    private static boolean f32(Tensor... ts) {
        for (Tensor t : ts) if (t != null && t.dtype() != DType.F32) return false;
        return true;
    }

    public static void forward(ConvParams p, Tensor x, Tensor w, Tensor bias, Tensor out) {
        if (f32(x, w, bias, out)) ConvFast.forward(p, x, w, bias, out);
        else ConvReference.forward(p, x, w, bias, out);
    }

    public static void backwardInput(ConvParams p, Tensor gradOut, Tensor w, Tensor gradIn) {
        if (f32(gradOut, w, gradIn)) ConvFast.backwardInput(p, gradOut, w, gradIn);
        else ConvReference.backwardInput(p, gradOut, w, gradIn);
    }

    public static void backwardWeight(ConvParams p, Tensor x, Tensor gradOut, Tensor gradW) {
        if (f32(x, gradOut, gradW)) ConvFast.backwardWeight(p, x, gradOut, gradW);
        else ConvReference.backwardWeight(p, x, gradOut, gradW);
    }
}
