package ssvae.kernels.cpu;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.InterpMode;
import ssvae.tensor.NormMode;
import ssvae.tensor.PoolParams;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;

/**
 * Entry point of the nn kernels (softmax, row normalisation, interpolation, max pooling): checks the
 * {@link ssvae.tensor.Backend} contract, then runs the F32 fast path when every operand is F32 and the
 * double-precision scalar reference otherwise. The work lives in {@link CpuSoftmax}, {@link CpuNormalize},
 * {@link CpuInterpolate} and {@link CpuPool}.
 */
public final class CpuNn {
    private CpuNn() {}

    static CpuStorage st(Tensor t) { return (CpuStorage) t.storage(); }

    static boolean allF32(Tensor... ts) {
        for (Tensor t : ts) if (t.dtype() != DType.F32) return false;
        return true;
    }

    static void requireContiguous(String op, String name, Tensor t) {
        if (!t.isContiguous()) throw new IllegalArgumentException(op + ": " + name + " must be contiguous, got strides " + Shape.str(t.strides()));
        if (!t.dtype().floating) throw new IllegalArgumentException(op + ": " + name + " must be floating, got " + t.dtype());
    }

    static void requireShape(String op, String name, Tensor t, int[] shape) {
        if (!java.util.Arrays.equals(t.shape(), shape))
            throw new IllegalArgumentException(op + ": " + name + " has shape " + Shape.str(t.shape()) + ", expected " + Shape.str(shape));
    }

    static void require5d(String op, String name, Tensor t) {
        if (t.dim() != 5) throw new IllegalArgumentException(op + ": " + name + " must be N,C,D,H,W, got shape " + Shape.str(t.shape()));
    }

    /** A 0-d tensor as a 1-element vector (raw view, no autograd). */
    private static Tensor vec(Tensor t) { return new Tensor(t.storage(), new int[] {1}, new int[] {1}, t.offset()); }

    public static void softmax(Tensor x, int dim, boolean log, Tensor out) {
        requireContiguous("softmax", "input", x);
        requireContiguous("softmax", "output", out);
        requireShape("softmax", "output", out, x.shape());
        if (x.dim() == 0) { CpuSoftmax.forward(vec(x), 0, log, vec(out)); return; }
        CpuSoftmax.forward(x, Shape.dim(dim, x.dim()), log, out);
    }

    public static void softmaxBackward(Tensor y, Tensor gy, int dim, boolean log, Tensor gx) {
        requireContiguous("softmax backward", "output", y);
        requireContiguous("softmax backward", "output gradient", gy);
        requireContiguous("softmax backward", "input gradient", gx);
        requireShape("softmax backward", "output gradient", gy, y.shape());
        requireShape("softmax backward", "input gradient", gx, y.shape());
        if (y.dim() == 0) { CpuSoftmax.backward(vec(y), vec(gy), 0, log, vec(gx)); return; }
        CpuSoftmax.backward(y, gy, Shape.dim(dim, y.dim()), log, gx);
    }

    private static void checkNorm(String op, Tensor x, int outer, int r, int inner, Tensor mean, Tensor rstd) {
        requireContiguous(op, "input", x);
        if (outer < 0 || r < 0 || inner < 0 || (long) outer * r * inner != x.numel())
            throw new IllegalArgumentException(op + ": view [" + outer + ", " + r + ", " + inner + "] does not cover " + x.numel() + " elements");
        requireContiguous(op, "mean", mean);
        requireContiguous(op, "rstd", rstd);
        if (mean.numel() != outer * inner || rstd.numel() != outer * inner)
            throw new IllegalArgumentException(op + ": mean/rstd need " + outer * inner + " elements, got " + mean.numel() + " and " + rstd.numel());
    }

    public static void normalize(NormMode mode, Tensor x, int outer, int r, int inner, double eps, Tensor out, Tensor mean, Tensor rstd) {
        checkNorm("normalize", x, outer, r, inner, mean, rstd);
        requireContiguous("normalize", "output", out);
        requireShape("normalize", "output", out, x.shape());
        if (allF32(x, out, mean, rstd)) CpuNormalize.forwardF32(mode, x, outer, r, inner, eps, out, mean, rstd);
        else CpuNormalize.forwardRef(mode, x, outer, r, inner, eps, out, mean, rstd);
    }

    public static void normalizeBackward(NormMode mode, Tensor x, int outer, int r, int inner, double eps, Tensor mean, Tensor rstd, Tensor gy, Tensor gx) {
        checkNorm("normalize backward", x, outer, r, inner, mean, rstd);
        requireContiguous("normalize backward", "output gradient", gy);
        requireContiguous("normalize backward", "input gradient", gx);
        requireShape("normalize backward", "output gradient", gy, x.shape());
        requireShape("normalize backward", "input gradient", gx, x.shape());
        if (allF32(x, mean, rstd, gy, gx)) CpuNormalize.backwardF32(mode, x, outer, r, inner, eps, mean, rstd, gy, gx);
        else CpuNormalize.backwardRef(mode, x, outer, r, inner, eps, mean, rstd, gy, gx);
    }

    private static void checkInterp(String op, Tensor in, Tensor out, double[] scales) {
        requireContiguous(op, "input", in);
        requireContiguous(op, "output", out);
        require5d(op, "input", in);
        require5d(op, "output", out);
        if (in.size(0) != out.size(0) || in.size(1) != out.size(1))
            throw new IllegalArgumentException(op + ": input " + Shape.str(in.shape()) + " and output " + Shape.str(out.shape()) + " differ in N or C");
        if (scales == null || scales.length != 3) throw new IllegalArgumentException(op + ": need 3 scales (D, H, W)");
        for (int d = 2; d < 5; d++)
            if (out.size(d) > 0 && in.size(d) == 0) throw new IllegalArgumentException(op + ": cannot resample an empty input of shape " + Shape.str(in.shape()));
    }

    public static void interpolate(InterpMode mode, Tensor x, Tensor out, boolean alignCorners, double[] scales) {
        checkInterp("interpolate", x, out, scales);
        if (allF32(x, out)) CpuInterpolate.forwardF32(mode, x, out, alignCorners, scales);
        else CpuInterpolate.forwardRef(mode, x, out, alignCorners, scales);
    }

    public static void interpolateBackward(InterpMode mode, Tensor gOut, Tensor gIn, boolean alignCorners, double[] scales) {
        checkInterp("interpolate backward", gIn, gOut, scales);
        if (allF32(gOut, gIn)) CpuInterpolate.backwardF32(mode, gOut, gIn, alignCorners, scales);
        else CpuInterpolate.backwardRef(mode, gOut, gIn, alignCorners, scales);
    }

    private static void checkPool(String op, PoolParams p, Tensor in, Tensor out, Tensor indices) {
        requireContiguous(op, "input", in);
        requireContiguous(op, "output", out);
        require5d(op, "input", in);
        if (indices.dtype() != DType.I64 || !indices.isContiguous()) throw new IllegalArgumentException(op + ": indices must be contiguous I64, got " + indices.dtype());
        if (p.kernel().length != 3 || p.stride().length != 3 || p.padding().length != 3)
            throw new IllegalArgumentException(op + ": kernel, stride and padding need 3 entries (D, H, W)");
        int[] os = {in.size(0), in.size(1), 0, 0, 0};
        for (int d = 0; d < 3; d++) {
            int k = p.kernel()[d], s = p.stride()[d], pad = p.padding()[d];
            if (k < 1 || s < 1 || pad < 0) throw new IllegalArgumentException(op + ": kernel " + k + ", stride " + s + ", padding " + pad + " must be positive (padding >= 0)");
            if (pad > k / 2) throw new IllegalArgumentException(op + ": padding " + pad + " must be at most half the kernel size " + k);
            os[2 + d] = p.outSize(d, in.size(2 + d));
            if (os[2 + d] < 1) throw new IllegalArgumentException(op + ": input " + Shape.str(in.shape()) + " is too small for kernel " + Shape.str(p.kernel()));
        }
        requireShape(op, "output", out, os);
        requireShape(op, "indices", indices, os);
    }

    public static void maxPool(PoolParams p, Tensor x, Tensor out, Tensor indices) {
        checkPool("max pool", p, x, out, indices);
        if (allF32(x, out)) CpuPool.forwardF32(p, x, out, indices);
        else CpuPool.forwardRef(p, x, out, indices);
    }

    public static void maxPoolBackward(PoolParams p, Tensor gOut, Tensor indices, Tensor gIn) {
        checkPool("max pool backward", p, gIn, gOut, indices);
        if (allF32(gOut, gIn)) CpuPool.backwardF32(gOut, indices, gIn);
        else CpuPool.backwardRef(gOut, indices, gIn);
    }
}
