package ssvae.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import ssvae.kernels.cpu.CpuBackend;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;

/**
 * Helpers for CUDA-vs-CPU tests: the same random inputs on both backends (same views: strides, offsets, expands),
 * and one comparison with per-dtype tolerances |gpu - cpu| <= atol + rtol * |cpu|, reporting the first mismatches.
 */
final class CudaTwin {
    static final CpuBackend CPU = new CpuBackend();

    private CudaTwin() {}

    /** The CUDA backend, or the test is skipped with the reason. */
    static CudaBackend cuda() {
        CudaBackend c = new CudaBackend();
        Assumptions.assumeTrue(c.isAvailable(), () -> "no CUDA device: " + c.unavailableReason());
        return c;
    }

    /** Elementwise tolerance by dtype (values computed in double on both sides, rounded once into the dtype). */
    record Tol(double atol, double rtol) {}

    static Tol elementwise(DType d) {
        return switch (d) {
            case F64 -> new Tol(1e-12, 1e-12);
            case F32 -> new Tol(1e-6, 2e-6);          // CPU's Vector API float paths vs GPU double-then-round
            case BF16 -> new Tol(1e-2, 1.0 / 128);     // one bf16 ulp
            case F16 -> new Tol(1e-3, 1.0 / 1024);     // one f16 ulp
            default -> new Tol(0, 0);                  // integers and bools: exact
        };
    }

    /** Sums over k terms accumulated in a different order (GEMM, conv, reductions, norms). */
    static Tol accumulated(DType d, int k) {
        double s = Math.sqrt(Math.max(k, 1));
        return switch (d) {
            case F64 -> new Tol(1e-12 * s, 1e-10);
            case F32 -> new Tol(1e-5 * s, 1e-4);
            case BF16 -> new Tol(2e-2 * s, 2e-2);
            case F16 -> new Tol(4e-3 * s, 4e-3);
            default -> new Tol(0, 0);
        };
    }

    static Tensor cpuRandom(DType dt, long seed, int... shape) {
        Tensor t = Tensor.empty(dt, Device.CPU, shape);
        CpuStorage s = (CpuStorage) t.storage();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.numel(); i++) {
            switch (dt) {
                case BOOL -> s.setLong(i, r.nextInt(2));
                case U8 -> s.setLong(i, r.nextInt(11));
                case I32, I64 -> s.setLong(i, r.nextInt(-5, 6));
                default -> s.setDouble(i, r.nextDouble(-2, 2));
            }
        }
        return t;
    }

    static Tensor toCuda(Tensor cpu) {
        if (!cpu.isContiguous()) throw new IllegalArgumentException("toCuda takes contiguous tensors");
        Tensor whole = new Tensor(cpu.storage(), new int[] {cpu.storage().numel()}, new int[] {1}, 0);
        Tensor g = Tensor.empty(cpu.dtype(), Device.cuda(0), cpu.storage().numel());
        cuda().copyFromHost(whole, g);
        return new Tensor(g.storage(), cpu.shape(), cpu.strides(), cpu.offset());
    }

    /** The same view (shape, strides, offset) of another storage. */
    static Tensor sameView(Tensor view, Tensor base) { return new Tensor(base.storage(), view.shape(), view.strides(), view.offset()); }

    /** A whole-storage host copy of a device tensor, viewed like it. */
    static Tensor toCpu(Tensor g) {
        int n = g.storage().numel();
        Tensor h = Tensor.empty(g.dtype(), Device.CPU, n);
        cuda().copyToHost(new Tensor(g.storage(), new int[] {n}, new int[] {1}, 0), h);
        return new Tensor(h.storage(), g.shape(), g.strides(), g.offset());
    }

    static Tensor cpuEmpty(DType dt, int... shape) { return Tensor.empty(dt, Device.CPU, shape); }

    static Tensor gpuEmpty(DType dt, int... shape) { return Tensor.empty(dt, Device.cuda(0), shape); }

    /** Compares a device result with the CPU result element by element (through their views). */
    static void assertClose(Tensor cpu, Tensor gpu, Tol tol, String what) {
        assertEquals(java.util.Arrays.toString(cpu.shape()), java.util.Arrays.toString(gpu.shape()), what + " shape");
        assertCloseHost(cpu, toCpu(gpu), tol, what);
    }

    /** Compares two host tensors element by element through their views. */
    static void assertCloseHost(Tensor cpu, Tensor h, Tol tol, String what) {
        assertEquals(java.util.Arrays.toString(cpu.shape()), java.util.Arrays.toString(h.shape()), what + " shape");
        CpuStorage a = (CpuStorage) cpu.storage(), b = (CpuStorage) h.storage();
        int[] shape = cpu.shape(), idx = new int[shape.length];
        int n = cpu.numel(), bad = 0;
        StringBuilder msg = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int rem = i, pa = cpu.offset(), pb = h.offset();
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
                pa += idx[d] * cpu.stride(d);
                pb += idx[d] * h.stride(d);
            }
            double x = a.getDouble(pa), y = b.getDouble(pb);
            boolean ok = (Double.isNaN(x) && Double.isNaN(y)) || x == y || Math.abs(x - y) <= tol.atol() + tol.rtol() * Math.abs(x);
            if (!ok && bad++ < 10) msg.append(String.format("%n  [%d] cpu %.9g gpu %.9g", i, x, y));
        }
        if (bad > 0) fail(what + ": " + bad + " of " + n + " elements differ beyond atol " + tol.atol() + " rtol " + tol.rtol() + msg);
    }

    static int[] contiguous(int... shape) { return Shape.contiguousStrides(shape); }
}
