package ssvae.kernels.cpu;

import ssvae.tensor.InterpMode;
import ssvae.tensor.NormMode;
import ssvae.tensor.PoolParams;
import ssvae.tensor.Tensor;

/** softmax, row normalisation, interpolation and pooling kernels. */
public final class CpuNn {
    private CpuNn() {}

    private static UnsupportedOperationException pending(String op) { return new UnsupportedOperationException(op + " lands with the nn kernels"); }

    public static void softmax(Tensor x, int dim, boolean log, Tensor out) { throw pending("softmax"); }
    public static void softmaxBackward(Tensor y, Tensor gy, int dim, boolean log, Tensor gx) { throw pending("softmax backward"); }
    public static void normalize(NormMode mode, Tensor x, int outer, int r, int inner, double eps, Tensor out, Tensor mean, Tensor rstd) { throw pending("normalize"); }
    public static void normalizeBackward(NormMode mode, Tensor x, int outer, int r, int inner, double eps, Tensor mean, Tensor rstd, Tensor gy, Tensor gx) { throw pending("normalize backward"); }
    public static void interpolate(InterpMode mode, Tensor x, Tensor out, boolean alignCorners, double[] scales) { throw pending("interpolate"); }
    public static void interpolateBackward(InterpMode mode, Tensor gOut, Tensor gIn, boolean alignCorners, double[] scales) { throw pending("interpolate backward"); }
    public static void maxPool(PoolParams p, Tensor x, Tensor out, Tensor indices) { throw pending("max pool"); }
    public static void maxPoolBackward(PoolParams p, Tensor gOut, Tensor indices, Tensor gIn) { throw pending("max pool backward"); }
}
