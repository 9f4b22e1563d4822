package ssvae.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import ssvae.tensor.ConvParams;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.InterpMode;
import ssvae.tensor.NormMode;
import ssvae.tensor.PoolParams;
import ssvae.tensor.RandomKind;
import ssvae.tensor.ReduceOp;
import ssvae.tensor.Tensor;
import ssvae.tensor.UnaryOp;

/** Bad arguments are rejected with one clear line before any CUDA call, so these run on any machine. */
class CudaArgumentTest {
    private final CudaBackend cuda = new CudaBackend();

    private static Tensor t(DType d, int... shape) { return Tensor.zeros(d, Device.CPU, shape); }

    private static Tensor t(int... shape) { return t(DType.F32, shape); }

    private static void rejects(String fragment, Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(fragment), "message '" + x.getMessage() + "' lacks '" + fragment + "'");
        assertTrue(!x.getMessage().contains("\n"), x.getMessage());
    }

    @Test void elementwiseShapesAndTransfers() {
        rejects("differ", () -> cuda.unary(UnaryOp.EXP, t(2, 3), t(3, 2), 0, 0));
        rejects("differ", () -> cuda.binary(ssvae.tensor.BinaryOp.ADD, t(2, 3), t(1, 3), t(2, 3)));
        rejects("differ", () -> cuda.where(t(DType.BOOL, 2), t(2), t(3), t(2)));
        rejects("differ", () -> cuda.copy(t(4), t(5)));
        rejects("dtype", () -> cuda.copyFromHost(t(DType.F32, 4), t(DType.F64, 4)));
        rejects("element counts", () -> cuda.copyToHost(t(4), t(5)));
        Tensor strided = new Tensor(t(4, 4).storage(), new int[] {4, 2}, new int[] {4, 2}, 0);
        rejects("contiguous", () -> cuda.copyFromHost(strided, t(4, 2)));
    }

    @Test void reductions() {
        rejects("must be 1 or", () -> cuda.reduce(ReduceOp.SUM, t(2, 3), t(2, 2)));
        rejects("rank", () -> cuda.reduce(ReduceOp.SUM, t(2, 3), t(2)));
        rejects("argReduce", () -> cuda.reduce(ReduceOp.ARGMAX, t(2, 3), t(2, 1)));
        rejects("I64", () -> cuda.argReduce(ReduceOp.ARGMAX, t(2, 3), 1, t(2, 1)));
        rejects("ARGMAX or ARGMIN", () -> cuda.argReduce(ReduceOp.SUM, t(2, 3), 1, t(DType.I64, 2, 1)));
        rejects("empty", () -> cuda.argReduce(ReduceOp.ARGMIN, t(2, 0), 1, t(DType.I64, 2, 1)));
    }

    @Test void matmulAndConvGeometry() {
        rejects("[B,M,K]", () -> cuda.matmul(t(2, 3), t(3, 2), t(2, 2)));
        rejects("do not agree", () -> cuda.matmul(t(1, 2, 3), t(1, 4, 2), t(1, 2, 2)));
        rejects("do not agree", () -> cuda.matmul(t(2, 2, 3), t(3, 3, 2), t(2, 2, 2)));
        ConvParams p = ConvParams.simple(1, 1);
        rejects("5-D", () -> cuda.convForward(p, t(1, 2, 4, 4), t(3, 2, 3, 3), null, t(1, 3, 4, 4)));
        rejects("groups", () -> cuda.convForward(ConvParams.of(new int[] {1, 1, 1}, new int[] {1, 1, 1}, new int[] {1, 1, 1}, 2),
                t(1, 3, 4, 4, 4), t(4, 2, 3, 3, 3), null, t(1, 4, 4, 4, 4)));
        rejects("should be 4", () -> cuda.convForward(p, t(1, 2, 4, 4, 4), t(3, 2, 3, 3, 3), null, t(1, 3, 4, 5, 4)));
        rejects("bias", () -> cuda.convForward(p, t(1, 2, 4, 4, 4), t(3, 2, 3, 3, 3), t(2), t(1, 3, 4, 4, 4)));
        rejects("smaller than the kernel", () -> cuda.convBackwardWeight(ConvParams.simple(1, 0), t(1, 2, 2, 2, 2), t(1, 3, 1, 1, 1), t(3, 2, 3, 3, 3)));
    }

    @Test void nnOps() {
        Tensor strided = new Tensor(t(4, 4).storage(), new int[] {4, 2}, new int[] {4, 2}, 0);
        rejects("contiguous", () -> cuda.softmax(strided, 1, false, t(4, 2)));
        rejects("one dtype", () -> cuda.softmaxBackward(t(2, 3), t(DType.F64, 2, 3), 1, false, t(2, 3)));
        rejects("does not cover", () -> cuda.normalize(NormMode.RMS, t(2, 3, 4), 2, 3, 5, 1e-5, t(2, 3, 4), t(2, 5), t(2, 5)));
        rejects("mean/rstd", () -> cuda.normalize(NormMode.RMS, t(2, 3, 4), 2, 3, 4, 1e-5, t(2, 3, 4), t(2, 3), t(2, 3)));
        rejects("5-D", () -> cuda.interpolate(InterpMode.NEAREST, t(1, 2, 3, 4), t(1, 2, 6, 8), false, new double[] {1, .5, .5}));
        rejects("3 scales", () -> cuda.interpolate(InterpMode.LINEAR, t(1, 2, 3, 4, 4), t(1, 2, 3, 8, 8), false, new double[] {1, .5}));
        rejects("keeps N and C", () -> cuda.interpolate(InterpMode.LINEAR, t(1, 2, 3, 4, 4), t(1, 3, 3, 8, 8), false, new double[] {1, .5, .5}));
        PoolParams pp = new PoolParams(new int[] {1, 2, 2}, new int[] {1, 2, 2}, new int[] {0, 0, 0}, false);
        rejects("should be 2", () -> cuda.maxPool(pp, t(1, 1, 1, 4, 4), t(1, 1, 1, 3, 2), t(DType.I64, 1, 1, 1, 3, 2)));
        rejects("I64", () -> cuda.maxPool(pp, t(1, 1, 1, 4, 4), t(1, 1, 1, 2, 2), t(DType.I32, 1, 1, 1, 2, 2)));
    }

    @Test void indexRandomAndFused() {
        rejects("I64 or I32", () -> cuda.indexSelect(t(3, 4), 1, t(DType.F32, 2), t(3, 2)));
        rejects("1-D", () -> cuda.indexAdd(t(3, 4), 1, t(DType.I64, 2, 1), t(3, 2)));
        rejects("keeps the dtype", () -> cuda.gather(t(3, 4), 0, t(DType.I64, 2, 4), t(DType.F64, 2, 4)));
        Tensor strided = new Tensor(t(4, 4).storage(), new int[] {4, 2}, new int[] {4, 2}, 0);
        rejects("contiguous", () -> cuda.random(RandomKind.UNIFORM, strided, 0, 1, 1, 0));
        rejects("F32", () -> cuda.adamStep(t(4), t(4), t(DType.F64, 4), t(4), 1e-3, .9, .999, 1e-8, 0, true, 1));
        rejects("counts from 1", () -> cuda.adamStep(t(4), t(4), t(4), t(4), 1e-3, .9, .999, 1e-8, 0, true, 0));
        rejects("element counts", () -> cuda.emaUpdate(t(4), t(5), 0.9));
        rejects("one dtype", () -> cuda.klSum(t(4), t(DType.F64, 4)));
    }

    @Test void validCallsWithoutAGpuFailWithTheReason() {
        org.junit.jupiter.api.Assumptions.assumeFalse(cuda.isAvailable(), "a CUDA device is present");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cuda.unary(UnaryOp.EXP, t(2), t(2), 0, 0));
        assertTrue(e.getMessage().startsWith("CUDA is not available: "), e.getMessage());
        assertThrows(IllegalStateException.class, () -> cuda.allocate(DType.F32, 4, Device.cuda(0)));
    }
}
