package ssvae.kernels.cpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.*;
import static ssvae.kernels.cpu.TestTensors.assertClose;
import static ssvae.kernels.cpu.TestTensors.values;

/** The packed SGEMM and the F64 path against the scalar reference on odd shapes and strided views. */
class CpuMatmulTest {
    final Generator g = new Generator(3);
    final int savedThreads = Parallel.threads();

    @AfterEach void restore() { Parallel.setThreads(savedThreads); }

    void check(Tensor a, Tensor b, double tol) {
        int B = a.shape()[0], M = a.shape()[1], N = b.shape()[2];
        Tensor want = Tensor.empty(a.dtype(), Device.CPU, B, M, N), got = Tensor.empty(a.dtype(), Device.CPU, B, M, N);
        CpuMatmul.reference(a, b, want);
        CpuMatmul.matmul(a, b, got);
        assertClose(want, got, tol);
    }

    /** A [B, R, C] view of a fresh random tensor: transposed stores it as [B, C, R] and swaps the last two strides. */
    Tensor rand(DType dt, int B, int R, int C, boolean transposed, boolean broadcastBatch) {
        int bb = broadcastBatch ? 1 : B;
        Tensor base = Tensor.randn(g, dt, Device.CPU, bb, transposed ? C : R, transposed ? R : C);
        int[] st = base.strides();
        int[] strides = transposed ? new int[] {st[0], st[2], st[1]} : st.clone();
        if (broadcastBatch) strides[0] = 0;
        return new Tensor(base.storage(), new int[] {B, R, C}, strides, 0);
    }

    @Test void oddShapesF32() {
        int[] sizes = {1, 7, 33, 130, 257};
        for (int m : sizes) for (int n : sizes) for (int k : new int[] {1, 7, 130, 400}) {
            if ((long) m * n * k > 3_000_000) continue;
            check(rand(DType.F32, 1, m, k, false, false), rand(DType.F32, 1, k, n, false, false), 1e-4);
        }
    }

    @Test void transposedAndBroadcastBatchF32() {
        for (boolean ta : new boolean[] {false, true}) for (boolean tb : new boolean[] {false, true}) {
            check(rand(DType.F32, 3, 37, 131, ta, false), rand(DType.F32, 3, 131, 70, tb, true), 1e-4);
            check(rand(DType.F32, 2, 130, 33, ta, true), rand(DType.F32, 2, 33, 129, tb, false), 1e-4);
        }
    }

    @Test void deepKAcrossBlocksAndThreads() {
        for (int t : new int[] {1, 2, 3}) {
            Parallel.setThreads(t);
            check(rand(DType.F32, 1, 257, 1000, false, false), rand(DType.F32, 1, 1000, 130, false, false), 1e-4);
            check(rand(DType.F32, 2, 11, 77, false, false), rand(DType.F32, 2, 77, 1700, true, false), 1e-4);
        }
    }

    @Test void stridedOutputAndOffsets() {
        Tensor a = rand(DType.F32, 2, 9, 13, false, false), b = rand(DType.F32, 2, 13, 17, true, false);
        Tensor want = Tensor.empty(DType.F32, Device.CPU, 2, 9, 17);
        CpuMatmul.reference(a, b, want);
        // out as a transposed view of a [2, 17, 9] buffer, offset into a larger storage
        Tensor big = Tensor.zeros(DType.F32, Device.CPU, 5 + 2 * 17 * 9);
        Tensor out = new Tensor(big.storage(), new int[] {2, 9, 17}, new int[] {17 * 9, 1, 9}, 5);
        CpuMatmul.matmul(a, b, out);
        assertClose(want, out, 1e-4);
        assertEquals(0f, (float) values(big)[4]);
    }

    @Test void f64MatchesReference() {
        check(rand(DType.F64, 2, 33, 130, true, false), rand(DType.F64, 2, 130, 7, false, true), 1e-12);
        check(rand(DType.F64, 1, 1, 1, false, false), rand(DType.F64, 1, 1, 257, true, false), 1e-12);
    }

    @Test void handValues() {
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 1, 2, 3);
        Tensor b = Tensor.fromArray(new float[] {1, 0, 0, 1, 1, 1}, 1, 3, 2);
        Tensor out = Tensor.empty(DType.F32, Device.CPU, 1, 2, 2);
        CpuMatmul.matmul(a, b, out);
        assertArrayEquals(new double[] {4, 5, 10, 11}, values(out));
    }

    @Test void zeroDepthGivesZeros() {
        Tensor a = Tensor.empty(DType.F32, Device.CPU, 1, 3, 0), b = Tensor.empty(DType.F32, Device.CPU, 1, 0, 4);
        Tensor out = Tensor.full(7, DType.F32, Device.CPU, 1, 3, 4);
        CpuMatmul.matmul(a, b, out);
        for (double v : values(out)) assertEquals(0.0, v);
    }
}
