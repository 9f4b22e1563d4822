package ssvae.kernels.cpu.conv;

import ssvae.kernels.cpu.Parallel;
import ssvae.kernels.cpu.gemm.GatherMicro;
import ssvae.kernels.cpu.gemm.SegmentMicro;
import ssvae.kernels.cpu.gemm.SegmentMicro3;
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

    static final int MR = SgemmMicro.MR, NR = SgemmMicro.NR, V = SgemmMicro.V, KC = 384, SHORT_KC = 64, SLICE3 = 32, CHUNK = 5 * 48, SEG_SLIVERS = 4;

    /** The segment kernel applies when every output row is a whole number of vectors read with unit stride. */
    static boolean segmentable(int ow, int strideW) { return strideW == 1 && ow % V == 0; }

    /** Floats of a {@link #packRows} result for m rows of depth nk. */
    static int packedSize(int m, int nk) { return (m + MR - 1) / MR * nk * MR; }

    /**
     * A block size of at most max for n items such that the blocks divide evenly over the threads (their count a
     * multiple of threads, sizes within one of each other): 17 blocks of 64 on two threads would leave one idle
     * for a sixteenth of the run.
     */
    static int balanced(int n, int max, int threads) {
        int t = Math.max(1, threads), blocks = t * Math.max(1, (n + t * max - 1) / (t * max));
        return Math.max(1, (n + blocks - 1) / blocks);
    }

    /** Row-major [m][nk] weights (at wOff) packed as MR-row slivers [ceil(m/MR)][nk][MR], zero rows past m. */
    static float[] packRows(float[] w, int wOff, int m, int nk) { return packRows(w, wOff, m, nk, new float[packedSize(m, nk)]); }

    /**
     * {@link #packRows} into r (at least {@link #packedSize} long, any contents; every element written). Every tile,
     * the partial last one included (through a zero-padded copy of its rows), goes through the same
     * {@link #packTile}: a branch first taken late (a channel count not a multiple of MR after many that were) would
     * otherwise send the compiled packer back to the interpreter for a while.
     */
    static float[] packRows(float[] w, int wOff, int m, int nk, float[] r) {
        int full = m / MR;
        Parallel.forRange(full, 1, (t0, t1) -> {
            for (int t = t0; t < t1; t++) packTile(w, wOff + t * MR * nk, nk, r, t * nk * MR);
        });
        if (full * MR < m) {
            float[] last = new float[MR * nk];
            System.arraycopy(w, wOff + full * MR * nk, last, 0, (m - full * MR) * nk);
            packTile(last, 0, nk, r, full * nk * MR);
        }
        return r;
    }

    /** r[dst + kk * MR + rr] = w[src + rr * nk + kk]: five sequential reads, one sequential write. */
    static void packTile(float[] w, int src, int nk, float[] r, int dst) {
        int s1 = src + nk, s2 = s1 + nk, s3 = s2 + nk, s4 = s3 + nk;
        for (int kk = 0; kk < nk; kk++, dst += MR) {
            r[dst] = w[src + kk]; r[dst + 1] = w[s1 + kk]; r[dst + 2] = w[s2 + kk]; r[dst + 3] = w[s3 + kk]; r[dst + 4] = w[s4 + kk];
        }
    }

    /**
     * The weights of the transposed convolution (grad-input as a forward correlation), packed like {@link #packRows}:
     * row c, column (o, t) holds w[wOff + (o * cg + c) * kvol + kvol - 1 - t] (in/out channels swapped, taps flipped)
     * for the group's mg output and cg input channels, into r ({@link #packedSize}(cg, mg * kvol) floats, any contents).
     * (Flipping here rather than in the tap table keeps the kernel's source reads ascending, which the prefetchers
     * need on large volumes.) As in {@link #packRows}, a partial last tile goes through the same code on a padded copy.
     */
    static float[] packTransposed(float[] w, int wOff, int mg, int cg, int kvol, float[] r) {
        int nk = mg * kvol, full = cg / MR;
        // output channel outermost: the source is read once in order; per (o, tile) a contiguous 5 x kvol block
        // is transposed into a contiguous kvol x 5 run
        Parallel.forRange(mg, 1, (o0, o1) -> {
            for (int o = o0; o < o1; o++)
                for (int t = 0; t < full; t++) packFlippedBlock(w, wOff + (o * cg + t * MR) * kvol, kvol, r, (t * nk + o * kvol) * MR);
        });
        if (full * MR < cg) {
            int rows = cg - full * MR;
            float[] block = new float[MR * kvol];
            for (int o = 0; o < mg; o++) {
                System.arraycopy(w, wOff + (o * cg + full * MR) * kvol, block, 0, rows * kvol);
                packFlippedBlock(block, 0, kvol, r, (full * nk + o * kvol) * MR);
            }
        }
        return r;
    }

    /** r[dst + tp * MR + rr] = w[src + rr * kvol + kvol - 1 - tp]: a contiguous 5 x kvol block transposed and flipped. */
    static void packFlippedBlock(float[] w, int src, int kvol, float[] r, int dst) {
        int s0 = src + kvol - 1, s1 = s0 + kvol, s2 = s1 + kvol, s3 = s2 + kvol, s4 = s3 + kvol;
        for (int tp = 0; tp < kvol; tp++, dst += MR) {
            r[dst] = w[s0 - tp]; r[dst + 1] = w[s1 - tp]; r[dst + 2] = w[s2 - tp]; r[dst + 3] = w[s3 - tp]; r[dst + 4] = w[s4 - tp];
        }
    }

    /**
     * Same contract as {@link #forward} with out rows written in place (out[outBase + o * ldo + p]) by the
     * {@link SegmentMicro} kernel; pw is {@link #packRows} of the [m][nk] weights. Needs P to be a multiple of V
     * and each V-run of positions to be contiguous in src (see {@link #segmentable}).
     */
    static void forwardSeg(float[] src, int srcBase, int[] tap, int[] pos, int nk, float[] pw, int m,
                           float[] out, int outBase, int ldo, float[] bias, int biasOff) {
        if (m <= SegmentMicro3.ROWS) { forwardSeg3(src, srcBase, tap, pos, nk, pw, m, out, outBase, ldo, bias, biasOff); return; }
        int P = pos.length, slivers = (P + NR - 1) / NR, mt = (m + MR - 1) / MR;
        // chunks of up to 64 slivers share each packed weight sliver (A traffic / chunk); at least one chunk per thread
        int per = Math.max(SEG_SLIVERS, balanced(slivers, 64, Parallel.threads()));
        // one weight tile: each input row is used by a single tile, so walk the depth in short slices across many
        // slivers (the rows of a slice stay in L1) instead of deep slices per sliver
        int kc = mt == 1 ? SHORT_KC : KC;
        if (mt == 1) per = 32;
        int chunks = (slivers + per - 1) / per, fper = per;
        Parallel.forRange(chunks, 1, (c0, c1) -> {
            float[] scratch = new float[MR * NR];
            for (int ch = c0; ch < c1; ch++) {
                int sl0 = ch * fper, sl1 = Math.min(slivers, sl0 + fper);
                for (int k0 = 0; k0 < nk; k0 += kc) {
                    int k1 = Math.min(nk, k0 + kc);
                    for (int t = 0; t < mt; t++) {
                        int aOff = (t * nk + k0) * MR, mr = Math.min(MR, m - t * MR);
                        for (int sl = sl0; sl < sl1; sl++) {
                            int p0 = sl * NR, nr = Math.min(NR, P - p0), lastSeg = P - V;
                            int s0 = srcBase + pos[p0], s1 = srcBase + pos[Math.min(p0 + V, lastSeg)];
                            int s2 = srcBase + pos[Math.min(p0 + 2 * V, lastSeg)], s3 = srcBase + pos[Math.min(p0 + 3 * V, lastSeg)];
                            int cOff = outBase + t * MR * ldo + p0;
                            // the bias enters as the accumulators' start on the first depth slice
                            if (mr == MR && nr == NR) SegmentMicro.tile(k0, k1, pw, aOff, src, s0, s1, s2, s3, tap, out, cOff, ldo, k0 > 0);
                            else SegmentMicro.edge(k0, k1, pw, aOff, src, s0, s1, s2, s3, tap, out, cOff, ldo, k0 > 0, mr, nr, scratch);
                        }
                    }
                }
                if (bias != null) {
                    int p0 = sl0 * NR, p1 = Math.min(P, sl1 * NR);
                    for (int o = 0; o < m; o++) {
                        float bv = bias[biasOff + o];
                        int ob = outBase + o * ldo;
                        for (int q = p0; q < p1; q++) out[ob + q] += bv;
                    }
                }
                if (nk == 0) {
                    // no depth (no input channels): the output is the bias, or zero
                    int p0 = sl0 * NR, p1 = Math.min(P, sl1 * NR);
                    for (int o = 0; o < m; o++) java.util.Arrays.fill(out, outBase + o * ldo + p0, outBase + o * ldo + p1, bias == null ? 0f : bias[biasOff + o]);
                }
            }
        });
    }

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

    /** {@link #forwardSeg} for m <= 3 rows with the 3 x 8-vector kernel, depth in short slices. */
    static void forwardSeg3(float[] src, int srcBase, int[] tap, int[] pos, int nk, float[] pw, int m,
                            float[] out, int outBase, int ldo, float[] bias, int biasOff) {
        forwardSeg3(src, srcBase, tap, pos, nk, pw, m, out, outBase, ldo, bias, biasOff, false, SLICE3);
    }

    /** As above, depth in slices of slice; with accumulate the result is added to out instead of replacing it. */
    static void forwardSeg3(float[] src, int srcBase, int[] tap, int[] pos, int nk, float[] pw, int m,
                            float[] out, int outBase, int ldo, float[] bias, int biasOff, boolean accumulate, int slice) {
        // short depth slices over few slivers: the input rows of a slice (about one channel's taps) and the output
        // rows of the chunk stay in L1 while every slice passes over them
        int nr3 = SegmentMicro3.NR3, P = pos.length, slivers = (P + nr3 - 1) / nr3, per = 8;
        int chunks = (slivers + per - 1) / per;
        Parallel.forRange(chunks, 1, (c0, c1) -> {
            float[] scratch = new float[SegmentMicro3.ROWS * nr3];
            int[] seg = new int[8];
            for (int ch = c0; ch < c1; ch++) {
                int sl0 = ch * per, sl1 = Math.min(slivers, sl0 + per);
                for (int k0 = 0; k0 < nk; k0 += slice) {
                    int k1 = Math.min(nk, k0 + slice);
                    for (int sl = sl0; sl < sl1; sl++) {
                        int p0 = sl * nr3, nr = Math.min(nr3, P - p0), lastSeg = P - V;
                        if (nr == nr3 && m == SegmentMicro3.ROWS && pos[p0 + nr3 - 1] == pos[p0] + nr3 - 1) {
                            // the whole piece is one contiguous run of the source
                            SegmentMicro3.tileRun(k0, k1, pw, k0 * MR, src, srcBase + pos[p0], tap, out, outBase + p0, ldo, accumulate || k0 > 0);
                            continue;
                        }
                        for (int v = 0; v < 8; v++) seg[v] = srcBase + pos[Math.min(p0 + v * V, lastSeg)];
                        int cOff = outBase + p0;
                        boolean acc = accumulate || k0 > 0;
                        if (nr == nr3 && m == SegmentMicro3.ROWS) SegmentMicro3.tile(k0, k1, pw, k0 * MR, src, seg, tap, out, cOff, ldo, acc);
                        else SegmentMicro3.edge(k0, k1, pw, k0 * MR, src, seg, tap, out, cOff, ldo, acc, m, nr, scratch);
                    }
                }
                if (bias != null) {
                    int p0 = sl0 * nr3, p1 = Math.min(P, sl1 * nr3);
                    for (int o = 0; o < m; o++) {
                        float b = bias[biasOff + o];
                        int ob = outBase + o * ldo;
                        for (int q = p0; q < p1; q++) out[ob + q] += b;
                    }
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
