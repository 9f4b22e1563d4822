package ssvae.kernels.cpu;

import ssvae.tensor.Backend;
import ssvae.tensor.BinaryOp;
import ssvae.tensor.ConvParams;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.InterpMode;
import ssvae.tensor.NormMode;
import ssvae.tensor.PoolParams;
import ssvae.tensor.RandomKind;
import ssvae.tensor.ReduceOp;
import ssvae.tensor.Storage;
import ssvae.tensor.Tensor;
import ssvae.tensor.UnaryOp;

/** The CPU backend: Java kernels (Vector API fast paths + scalar references), threads from {@link Parallel}. */
public final class CpuBackend implements Backend {
    @Override public Device.Type deviceType() { return Device.Type.CPU; }
    @Override public String name() { return "cpu"; }

    @Override public Storage allocate(DType dtype, int numel, Device device) { return new CpuStorage(dtype, numel); }

    @Override public void copyFromHost(Tensor src, Tensor dst) { CpuElementwise.copy(src, dst); }
    @Override public void copyToHost(Tensor src, Tensor dst) { CpuElementwise.copy(src, dst); }
    @Override public void copy(Tensor src, Tensor dst) { CpuElementwise.copy(src, dst); }
    @Override public void fill(Tensor dst, double value) { CpuElementwise.fill(dst, value); }
    @Override public void unary(UnaryOp op, Tensor x, Tensor out, double a, double b) { CpuElementwise.unary(op, x, out, a, b); }
    @Override public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) { CpuElementwise.binary(op, a, b, out); }
    @Override public void where(Tensor cond, Tensor a, Tensor b, Tensor out) { CpuElementwise.where(cond, a, b, out); }
    @Override public void reduce(ReduceOp op, Tensor x, Tensor out) { CpuReduce.reduce(op, x, out); }
    @Override public void argReduce(ReduceOp op, Tensor x, int dim, Tensor out) { CpuReduce.argReduce(op, x, dim, out); }
    @Override public void matmul(Tensor a, Tensor b, Tensor out) { CpuMatmul.matmul(a, b, out); }

    @Override public void convForward(ConvParams p, Tensor x, Tensor w, Tensor bias, Tensor out) { CpuConv.forward(p, x, w, bias, out); }
    @Override public void convBackwardInput(ConvParams p, Tensor gradOut, Tensor w, Tensor gradIn) { CpuConv.backwardInput(p, gradOut, w, gradIn); }
    @Override public void convBackwardWeight(ConvParams p, Tensor x, Tensor gradOut, Tensor gradW) { CpuConv.backwardWeight(p, x, gradOut, gradW); }

    @Override public void softmax(Tensor x, int dim, boolean log, Tensor out) { CpuNn.softmax(x, dim, log, out); }
    @Override public void softmaxBackward(Tensor y, Tensor gy, int dim, boolean log, Tensor gx) { CpuNn.softmaxBackward(y, gy, dim, log, gx); }
    @Override public void normalize(NormMode mode, Tensor x, int outer, int r, int inner, double eps, Tensor out, Tensor mean, Tensor rstd) {
        CpuNn.normalize(mode, x, outer, r, inner, eps, out, mean, rstd);
    }
    @Override public void normalizeBackward(NormMode mode, Tensor x, int outer, int r, int inner, double eps, Tensor mean, Tensor rstd, Tensor gy, Tensor gx) {
        CpuNn.normalizeBackward(mode, x, outer, r, inner, eps, mean, rstd, gy, gx);
    }
    @Override public void interpolate(InterpMode mode, Tensor x, Tensor out, boolean alignCorners, double[] scales) { CpuNn.interpolate(mode, x, out, alignCorners, scales); }
    @Override public void interpolateBackward(InterpMode mode, Tensor gOut, Tensor gIn, boolean alignCorners, double[] scales) { CpuNn.interpolateBackward(mode, gOut, gIn, alignCorners, scales); }
    @Override public void maxPool(PoolParams p, Tensor x, Tensor out, Tensor indices) { CpuNn.maxPool(p, x, out, indices); }
    @Override public void maxPoolBackward(PoolParams p, Tensor gOut, Tensor indices, Tensor gIn) { CpuNn.maxPoolBackward(p, gOut, indices, gIn); }

    @Override public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) { CpuIndex.indexSelect(x, dim, index, out); }
    @Override public void indexAdd(Tensor dst, int dim, Tensor index, Tensor src) { CpuIndex.indexAdd(dst, dim, index, src); }
    @Override public void gather(Tensor x, int dim, Tensor index, Tensor out) { CpuIndex.gather(x, dim, index, out); }
    @Override public void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) { CpuIndex.scatterAdd(dst, dim, index, src); }

    @Override public void random(RandomKind kind, Tensor out, double a, double b, long seed, long offset) { CpuRandom.fill(kind, out, a, b, seed, offset); }
}
