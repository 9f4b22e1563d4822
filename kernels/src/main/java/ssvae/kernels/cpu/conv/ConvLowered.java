package ssvae.kernels.cpu.conv;

import ssvae.kernels.cpu.Parallel;
import ssvae.kernels.cpu.gemm.GatherMicro;
import ssvae.kernels.cpu.gemm.SgemmMicro;

/**
 * The implicit-im2col GEMM shared by the fast conv kernels. For one image and group:
 * out[o, p] = bias[o] + sum_k src[srcBase + pos[p] + tap[k]] * wt[k * np + o]   (o < m, p < P, k < K)
 * where src is a zero-padded volume, pos/tap the offset tables of {@link ConvGeom}, and wt the weight matrix
 * transposed to [K][np] (np = m rounded up to the micro-kernel width, zero-filled). Positions are cut into chunks
 * (the parallel unit); each chunk is computed as C[p, o] in a small buffer with the 5 x NR {@link GatherMicro}
 * tile over KC-deep slices, then transposed into out (stride outStride between output channels).
 */
final class ConvLowered {
    private ConvLowered() {}

    static final int MR = SgemmMicro.MR, NR = SgemmMicro.NR, KC = 384, CHUNK = 5 * 48;

    static void forward(float[] src, int srcBase, int[] tap, int[] pos, int nk, float[] wt, int np, int m,
                        float[] out, int outBase, int outStride, float[] bias, int biasOff) {
        int P = pos.length;
        int chunks = (P + CHUNK - 1) / CHUNK;
        Parallel.forRange(chunks, 1, (c0, c1) -> {
            float[] buf = new float[CHUNK * np];
            for (int ch = c0; ch < c1; ch++) {
                int p0 = ch * CHUNK, p1 = Math.min(P, p0 + CHUNK), rows = p1 - p0;
                if (nk == 0) java.util.Arrays.fill(buf, 0f);
                for (int k0 = 0; k0 < nk; k0 += KC) {
                    int k1 = Math.min(nk, k0 + KC);
                    for (int sl = 0; sl < np; sl += NR) {
                        for (int t = 0; t < rows; t += MR) {
                            int q = p0 + t, last = p1 - 1;
                            GatherMicro.tile(k0, k1, src,
                                    srcBase + pos[q], srcBase + pos[Math.min(q + 1, last)], srcBase + pos[Math.min(q + 2, last)],
                                    srcBase + pos[Math.min(q + 3, last)], srcBase + pos[Math.min(q + 4, last)],
                                    tap, wt, sl, np, buf, t * np + sl, np, k0 > 0);
                        }
                    }
                }
                // transpose C[p, o] into out[o, p], adding the bias
                for (int o = 0; o < m; o++) {
                    float b = bias == null ? 0f : bias[biasOff + o];
                    int ob = outBase + o * outStride + p0;
                    for (int r = 0; r < rows; r++) out[ob + r] = buf[r * np + o] + b;
                }
            }
        });
    }

    /** wt[k * np + o] = w[wOff + o * nk + k] for o < m (zero elsewhere): a group's weights transposed to [K][np]. */
    static float[] transposeWeights(float[] w, int wOff, int m, int nk, int np) {
        float[] r = new float[nk * np];
        for (int o = 0; o < m; o++) {
            int b = wOff + o * nk;
            for (int kk = 0; kk < nk; kk++) r[kk * np + o] = w[b + kk];
        }
        return r;
    }
}
