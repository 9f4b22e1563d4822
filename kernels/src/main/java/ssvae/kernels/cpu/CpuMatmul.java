package ssvae.kernels.cpu;

import ssvae.kernels.cpu.gemm.PanelSource;
import ssvae.kernels.cpu.gemm.Sgemm;
import ssvae.kernels.cpu.gemm.StridedPanels;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.Tensor;

/**
 * Batched matrix product [B,M,K] x [B,K,N] (torch.bmm with any strides, batch stride may be 0).
 * F32: packed Vector API SGEMM reading the operands straight from strided memory. F64: a row-blocked double loop.
 * Other dtypes: the scalar reference.
 */
public final class CpuMatmul {
    private CpuMatmul() {}

    public static void matmul(Tensor a, Tensor b, Tensor out) {
        if (a.dtype() == DType.F32 && b.dtype() == DType.F32 && out.dtype() == DType.F32) sgemm(a, b, out);
        else if (a.dtype() == DType.F64 && b.dtype() == DType.F64 && out.dtype() == DType.F64) dgemm(a, b, out);
        else reference(a, b, out);
    }

    private static void sgemm(Tensor a, Tensor b, Tensor out) {
        int[] as = a.shape(), ast = a.strides(), bst = b.strides(), ost = out.strides();
        int B = as[0], M = as[1], K = as[2], N = b.shape()[2];
        float[] x = ((CpuStorage) a.storage()).f32(), y = ((CpuStorage) b.storage()).f32(), z = ((CpuStorage) out.storage()).f32();
        // C is written in place when its rows are dense (column stride 1, or a single column)
        boolean direct = ost[2] == 1 || N == 1;
        final int fldc = ost[1];
        float[] tmp = direct ? null : new float[M * N];
        java.util.function.IntConsumer one = bi -> {
            PanelSource pa = StridedPanels.of(x, a.offset() + bi * ast[0], ast[1], ast[2]);
            PanelSource pb = StridedPanels.of(y, b.offset() + bi * bst[0], bst[2], bst[1]);
            if (direct) {
                if (B > 1 && Parallel.threads() > 1) Sgemm.serial(M, N, K, pa, pb, z, out.offset() + bi * ost[0], fldc, false);
                else Sgemm.parallel(M, N, K, pa, pb, z, out.offset() + bi * ost[0], fldc, false);
            } else {
                float[] t = B > 1 ? new float[M * N] : tmp;
                Sgemm.parallel(M, N, K, pa, pb, t, 0, N, false);
                int ob = out.offset() + bi * ost[0];
                for (int i = 0; i < M; i++) for (int j = 0; j < N; j++) z[ob + i * ost[1] + j * ost[2]] = t[i * N + j];
            }
        };
        if (B > 1 && Parallel.threads() > 1 && direct) Parallel.forEach(B, one);
        else for (int bi = 0; bi < B; bi++) one.accept(bi);
    }

    /** F64: out row i = sum_k a[i,k] * b[k,:], accumulated in a double row buffer (vectorised by the JIT). */
    private static void dgemm(Tensor a, Tensor b, Tensor out) {
        int[] as = a.shape(), ast = a.strides(), bst = b.strides(), ost = out.strides();
        int B = as[0], M = as[1], K = as[2], N = b.shape()[2];
        double[] x = ((CpuStorage) a.storage()).f64(), y = ((CpuStorage) b.storage()).f64(), z = ((CpuStorage) out.storage()).f64();
        Parallel.forRange(B * M, Math.max(1, 16384 / Math.max(1, N * Math.max(K, 1))), (s, e) -> {
            double[] row = new double[N], brow = new double[N];
            for (int bm = s; bm < e; bm++) {
                int bi = bm / M, i = bm % M;
                java.util.Arrays.fill(row, 0);
                int ab = a.offset() + bi * ast[0] + i * ast[1];
                int bb = b.offset() + bi * bst[0];
                for (int k = 0; k < K; k++) {
                    double aik = x[ab + k * ast[2]];
                    int br = bb + k * bst[1];
                    if (bst[2] == 1) {
                        for (int j = 0; j < N; j++) row[j] += aik * y[br + j];
                    } else {
                        for (int j = 0; j < N; j++) brow[j] = y[br + j * bst[2]];
                        for (int j = 0; j < N; j++) row[j] += aik * brow[j];
                    }
                }
                int ob = out.offset() + bi * ost[0] + i * ost[1];
                for (int j = 0; j < N; j++) z[ob + j * ost[2]] = row[j];
            }
        });
    }

    /** Scalar reference: out[b,i,j] = sum_k a[b,i,k] * b[b,k,j], accumulated in double. */
    public static void reference(Tensor a, Tensor b, Tensor out) {
        int[] as = a.shape(), bs = b.shape(), ast = a.strides(), bst = b.strides(), ost = out.strides();
        int B = as[0], M = as[1], K = as[2], N = bs[2];
        CpuStorage sa = (CpuStorage) a.storage(), sb = (CpuStorage) b.storage(), so = (CpuStorage) out.storage();
        boolean f32 = a.dtype() == DType.F32 && b.dtype() == DType.F32;
        Parallel.forRange(B * M, Math.max(1, 4096 / Math.max(1, N * K)), (s, e) -> {
            for (int bm = s; bm < e; bm++) {
                int bi = bm / M, i = bm % M;
                int ab = a.offset() + bi * ast[0] + i * ast[1];
                int bb = b.offset() + bi * bst[0];
                int ob = out.offset() + bi * ost[0] + i * ost[1];
                for (int j = 0; j < N; j++) {
                    double acc = 0;
                    if (f32) {
                        float[] x = sa.f32(), y = sb.f32();
                        for (int k = 0; k < K; k++) acc += (double) x[ab + k * ast[2]] * y[bb + k * bst[1] + j * bst[2]];
                    } else {
                        for (int k = 0; k < K; k++) acc += sa.getDouble(ab + k * ast[2]) * sb.getDouble(bb + k * bst[1] + j * bst[2]);
                    }
                    so.setDouble(ob + j * ost[2], acc);
                }
            }
        });
    }
}
