package ssvae.kernels.cpu;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.Tensor;

/** Batched matrix product [B,M,K] x [B,K,N]. Reference path (double accumulation, any strides). */
public final class CpuMatmul {
    private CpuMatmul() {}

    public static void matmul(Tensor a, Tensor b, Tensor out) { reference(a, b, out); }

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
