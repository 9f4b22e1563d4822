package ssvae.kernels.cpu.conv;

import jdk.incubator.vector.FloatVector;
import ssvae.kernels.cpu.Parallel;
import ssvae.kernels.cpu.gemm.BroadcastMicro;
import ssvae.kernels.cpu.gemm.DotMicro;
import ssvae.kernels.cpu.gemm.SgemmMicro;
import ssvae.tensor.ConvParams;
import ssvae.tensor.Tensor;

import static ssvae.kernels.cpu.conv.ConvFast.f32;
import static ssvae.kernels.cpu.conv.ConvFast.padSource;
import static ssvae.kernels.cpu.conv.ConvGeom.roundUp;
import static ssvae.kernels.cpu.conv.ConvLowered.MR;
import static ssvae.kernels.cpu.conv.ConvLowered.NR;

/**
 * The F32 weight gradient of a convolution, dW[o, k] = sum_{n,p} dOut[n, o, p] col(x_n)[k, p], by shape: few taps
 * and output channels in multiples of 32 take broadcast tiles over a transposed dOut
 * ({@link #backwardWeightBroadcast}); few channels x taps otherwise lane-wise dot products
 * ({@link #backwardWeightDot}); the rest a blocked GEMM with the taps as rows ({@link #compute}).
 */
final class ConvGradWeight {
    private ConvGradWeight() {}

    /** dW[o, k] = sum_{n,p} dOut[n, o, p] * col(x_n)[k, p], computed as dW^T with the taps as GEMM rows. */
    static void compute(ConvParams prm, Tensor x, Tensor gradOut, Tensor gradW) {
        ConvGeom g = new ConvGeom(prm, x.shape(), gradW.shape(), gradOut.shape());
        float[] xa = f32(x), ga = f32(gradOut), wa = f32(gradW);
        int np = roundUp(g.mg, NR), kr = roundUp(g.k, MR), tiles = kr / MR;
        int dp = g.d + g.pb[0] + g.pa[0], hp = g.h + g.pb[1] + g.pa[1], wp = g.w + g.pb[2] + g.pa[2];
        int[] tap = ConvGeom.taps(g.cg, g.kd, g.kh, g.kw, g.dl, dp, hp, wp);
        int[] pos = ConvGeom.positions(g.od, g.oh, g.ow, g.s, hp, wp);
        if (Transpose16.SUPPORTED && g.s[2] == 1 && g.ow % NR == 0 && g.mg % BroadcastMicro.COLS == 0 && g.k <= BCAST_MAX_K) {
            backwardWeightBroadcast(g, x, gradOut, gradW, dp, hp, wp, tap, pos);
            return;
        }
        if (ConvLowered.segmentable(g.ow, g.s[2]) && (long) roundUp(g.mg, 4) * kr * ConvLowered.V <= DOT_MAX_ACC) {
            backwardWeightDot(g, x, gradOut, gradW, dp, hp, wp, tap, pos);
            return;
        }
        float[][] gwt = new float[g.groups][];
        // C rows ldc apart: np plus a vector, so the rows of a slab spread over the L1 sets (np = 512 floats would put
        // every row of a transposed read in the same two sets)
        int ldc = np + LDC_PAD;
        for (int gr = 0; gr < g.groups; gr++) gwt[gr] = g.groups == 1 ? Scratch.floats(Scratch.Slot.ACCUMULATOR, kr * ldc) : new float[kr * ldc];
        // one dOut^T sliver (at most NR output channels): no A reuse across slivers, so a larger C slab (fewer passes
        // over dOut^T) wins; wider: WG_TILES, the slab of every sliver staying in L2
        int tb = ConvLowered.balanced(tiles, np <= NR ? WG_TILES_NARROW : WG_TILES, Parallel.threads()), blocks = (tiles + tb - 1) / tb;
        for (int n = 0; n < g.n; n++) {
            float[] xp = padSource(xa, x.offset() + n * g.cin * g.inVol(), g.cin, g.d, g.h, g.w, g.pb, g.pa);
            boolean first = n == 0, last = n == g.n - 1;
            for (int gr = 0; gr < g.groups; gr++) {
                int grf = gr;
                // dOut^T in column slivers: gt[(o / NR) * P * NR + q * NR + o % NR] = dOut[o, q] (contiguous B slivers)
                // every element a kernel reads is written (columns past mg of the last sliver are never read back)
                float[] gt = Scratch.floats(Scratch.Slot.TRANSPOSED, g.p * np);
                int gb = gradOut.offset() + (n * g.cout + gr * g.mg) * g.p;
                for (int sl = 0; sl < np; sl += NR)
                    Transpose.toSliver(ga, gb + sl * g.p, g.p, Math.min(NR, g.mg - sl), g.p, gt, sl * g.p, NR);
                int xBase = gr * g.cg * dp * hp * wp;
                float[] acc = gwt[gr];
                // BLIS blocking: a block of WG_TILES tap tiles owns an L2-resident slab of C; per WG_DEPTH positions its
                // taps are gathered once (A, L2) and each dOut^T sliver piece (B, WG_DEPTH x NR) stays in L1 while it
                // meets every tile of the block
                Parallel.forRange(blocks, 1, (b0, b1) -> {
                    float[] pa = new float[tb * MR * WG_DEPTH];
                    for (int b = b0; b < b1; b++) {
                        int t0 = b * tb, t1 = Math.min(tiles, t0 + tb);
                        for (int q0 = 0; q0 < g.p; q0 += WG_DEPTH) {
                            int q1 = Math.min(g.p, q0 + WG_DEPTH), kc = q1 - q0;
                            boolean accumulate = !first || q0 > 0;
                            // A: rows (tap k, positions [q0, q1)) gathered from the padded input, MR rows per tile
                            for (int t = t0; t < t1; t++)
                                for (int r = 0; r < MR; r++)
                                    gatherRow(xp, xBase + tap[Math.min(t * MR + r, g.k - 1)], pos, q0, q1, g.ow, g.s[2], pa, ((t - t0) * MR + r) * WG_DEPTH);
                            for (int sl = 0; sl < np; sl += NR) {
                                int bOff = (sl / NR) * g.p * NR + q0 * NR;
                                for (int t = t0; t < t1; t++)
                                    SgemmMicro.tileRows(kc, pa, (t - t0) * MR * WG_DEPTH, WG_DEPTH, gt, bOff, NR, acc, t * MR * ldc + sl, ldc, accumulate);
                            }
                        }
                        // after the last image the block's C slab (still in L2) is written to dW[o][k], transposed
                        if (last) Transpose.columnsToRows(acc, t0 * MR * ldc, ldc, Math.min(g.k, t1 * MR) - t0 * MR, g.mg,
                                wa, gradW.offset() + grf * g.mg * g.k + t0 * MR, g.k);
                    }
                });
            }
        }
    }

    /** Weight-gradient GEMM blocking: tap tiles per C block (rows tiles * MR), positions per B sliver piece (measured on 64-512 channels). */
    static final int WG_TILES = 24, WG_TILES_NARROW = 200, WG_DEPTH = 128, LDC_PAD = 16;

    /** Most taps (input channels x kernel volume) for {@link #backwardWeightBroadcast}: its A rows stay in L1. */
    static final int BCAST_MAX_K = 128;
    /** Positions per chunk of {@link #backwardWeightBroadcast}: dOut rows are read in runs this long. */
    static final int BCAST_CHUNK = 1024;

    /**
     * Weight gradient for few taps (an RGB input layer: K = 3 * 27), output channels a multiple of 32, output rows a
     * multiple of NR wide: dW^T[k][o] = sum_p col[k][p] dOut^T[p][o] with the output channels as the vector
     * dimension. Per chunk of positions dOut is transposed to [position][channel] with 16 x 16 register transposes
     * (its rows read in long runs); per piece of NR positions of one output row the K tap rows are copied from the
     * padded input; 12 x 32 register tiles then read both from L1 and accumulate into dW^T (K x mg floats, in L1).
     * Lane-wise dot products over the positions instead need an accumulator per lane that outgrows L1, and stream
     * one operand from L2.
     */
    static void backwardWeightBroadcast(ConvGeom g, Tensor x, Tensor gradOut, Tensor gradW, int dp, int hp, int wp, int[] tap, int[] pos) {
        float[] xa = f32(x), ga = f32(gradOut), wa = f32(gradW);
        int V = ConvLowered.V, rows = BroadcastMicro.ROWS, kr = roundUp(g.k, rows), mg = g.mg, P = g.p, chunk = BCAST_CHUNK;
        int chunks = (P + chunk - 1) / chunk, threads = Math.max(1, Math.min(Parallel.threads(), chunks));
        float[][] sums = new float[g.groups][kr * mg];
        // a 3-wide kernel without W dilation: taps come in threes along one input row (copied once, read shifted)
        boolean shifted = g.kw == 3 && g.dl[2] == 1;
        int groups = g.k / 3;
        for (int n = 0; n < g.n; n++) {
            float[] xp = padSource(xa, x.offset() + n * g.cin * g.inVol(), g.cin, g.d, g.h, g.w, g.pb, g.pa);
            for (int gr = 0; gr < g.groups; gr++) {
                int gb = gradOut.offset() + (n * g.cout + gr * mg) * P, xBase = gr * g.cg * dp * hp * wp;
                float[][] parts = new float[threads][];
                Parallel.forEach(threads, th -> {
                    // xP rows past K stay zero; gT holds a chunk of dOut^T
                    float[] c = new float[kr * mg], xP = new float[kr * NR], gT = new float[chunk * mg];
                    float[] xQ = shifted ? new float[kr / 3 * BroadcastMicro.QS] : null;
                    int c0 = chunks * th / threads, c1 = chunks * (th + 1) / threads;
                    for (int ch = c0; ch < c1; ch++) {
                        int q0 = ch * chunk, len = Math.min(chunk, P - q0);  // a multiple of NR (OW is)
                        for (int o = 0; o < mg; o += 16)
                            for (int j = 0; j < len; j += 16) Transpose16.block(ga, gb + o * P + q0 + j, P, gT, j * mg + o, mg);
                        for (int pc = 0; pc < len; pc += NR) {
                            int base = xBase + pos[q0 + pc];
                            if (shifted) {
                                // one input row per (c, i, j) with its 2-float halo; the 3 horizontal taps read it shifted
                                int qs = BroadcastMicro.QS;
                                for (int gi = 0; gi < groups; gi++) {
                                    int src = base + tap[3 * gi], d = gi * qs;
                                    for (int j = 0; j < NR; j += V) FloatVector.fromArray(SgemmMicro.S, xp, src + j).intoArray(xQ, d + j);
                                    xQ[d + NR] = xp[src + NR]; xQ[d + NR + 1] = xp[src + NR + 1];
                                }
                                for (int ob = 0; ob < mg; ob += BroadcastMicro.COLS)
                                    for (int t = 0; t < kr; t += rows)
                                        BroadcastMicro.tileShifted(NR, xQ, t / 3 * qs, gT, pc * mg + ob, mg, c, t * mg + ob, mg, true);
                                continue;
                            }
                            for (int k = 0; k < g.k; k++) {
                                int src = base + tap[k], d = k * NR;
                                for (int j = 0; j < NR; j += V) FloatVector.fromArray(SgemmMicro.S, xp, src + j).intoArray(xP, d + j);
                            }
                            for (int ob = 0; ob < mg; ob += BroadcastMicro.COLS)
                                for (int t = 0; t < kr; t += rows)
                                    BroadcastMicro.tile(NR, xP, t * NR, gT, pc * mg + ob, mg, c, t * mg + ob, mg, true);
                        }
                    }
                    parts[th] = c;
                });
                float[] sum = sums[gr];
                for (float[] part : parts) for (int i = 0; i < sum.length; i++) sum[i] += part[i];
            }
        }
        for (int gr = 0; gr < g.groups; gr++)
            for (int o = 0; o < mg; o++)
                for (int k = 0; k < g.k; k++) wa[gradW.offset() + (gr * mg + o) * g.k + k] = sums[gr][k * mg + o];
    }

    /** Largest lane-wise accumulator (floats) for which the dot-product weight gradient is used. */
    static final long DOT_MAX_ACC = 1L << 19;

    /**
     * Weight gradient for few channels x taps (unit W stride, OW a multiple of V): 4 x 5 tiles of dot products over
     * the output positions, dOut rows and input rows read in place, lane-wise partial sums reduced at the end.
     */
    static void backwardWeightDot(ConvGeom g, Tensor x, Tensor gradOut, Tensor gradW, int dp, int hp, int wp, int[] tap, int[] pos) {
        float[] xa = f32(x), ga = f32(gradOut), wa = f32(gradW);
        int V = ConvLowered.V, mr = roundUp(g.mg, 4), kr = roundUp(g.k, MR), oTiles = mr / 4, kTiles = kr / MR;
        int qr = 64 * V;  // positions per pass: keeps the dOut tile and the input rows it meets in L1/L2
        float[][] accs = new float[g.groups][mr * kr * V];
        for (int n = 0; n < g.n; n++) {
            float[] xp = padSource(xa, x.offset() + n * g.cin * g.inVol(), g.cin, g.d, g.h, g.w, g.pb, g.pa);
            for (int gr = 0; gr < g.groups; gr++) {
                int gb = gradOut.offset() + (n * g.cout + gr * g.mg) * g.p, xBase = gr * g.cg * dp * hp * wp, lastO = g.mg - 1, lastK = g.k - 1;
                float[] acc = accs[gr];
                Parallel.forRange(oTiles, 1, (t0, t1) -> {
                    for (int q0 = 0; q0 < g.p; q0 += qr) {
                        int q1 = Math.min(g.p, q0 + qr);
                        for (int kt = 0; kt < kTiles; kt++) {
                            int k = kt * MR;
                            int x0 = xBase + tap[k], x1 = xBase + tap[Math.min(k + 1, lastK)], x2 = xBase + tap[Math.min(k + 2, lastK)],
                                    x3 = xBase + tap[Math.min(k + 3, lastK)], x4 = xBase + tap[Math.min(k + 4, lastK)];
                            // the 5 input rows stay in L1 across this thread's output-channel tiles
                            for (int ot = t0; ot < t1; ot++) {
                                int o = ot * 4;
                                int g0 = gb + o * g.p, g1 = gb + Math.min(o + 1, lastO) * g.p, g2 = gb + Math.min(o + 2, lastO) * g.p, g3 = gb + Math.min(o + 3, lastO) * g.p;
                                DotMicro.tile(ga, g0, g1, g2, g3, xp, x0, x1, x2, x3, x4,
                                        pos, q0, q1, acc, (o * kr + k) * V, kr);
                            }
                        }
                    }
                });
            }
        }
        for (int gr = 0; gr < g.groups; gr++) {
            float[] acc = accs[gr];
            for (int o = 0; o < g.mg; o++)
                for (int k = 0; k < g.k; k++) {
                    double s = 0;
                    int b = (o * kr + k) * V;
                    for (int l = 0; l < V; l++) s += acc[b + l];
                    wa[gradW.offset() + (gr * g.mg + o) * g.k + k] = (float) s;
                }
        }
    }

    /** dst[dOff + q - q0] = x[base + pos[q]] for q in [q0, q1); runs inside one output row are copied whole when strideW is 1. */
    static void gatherRow(float[] x, int base, int[] pos, int q0, int q1, int ow, int strideW, float[] dst, int dOff) {
        if (strideW != 1) {
            for (int q = q0; q < q1; q++) dst[dOff + q - q0] = x[base + pos[q]];
            return;
        }
        int v = ConvLowered.V;
        for (int q = q0; q < q1; ) {
            int end = Math.min(q1, (q / ow + 1) * ow), src = base + pos[q], d = dOff + q - q0, len = end - q, j = 0;
            for (; j + v <= len; j += v) FloatVector.fromArray(SgemmMicro.S, x, src + j).intoArray(dst, d + j);
            for (; j < len; j++) dst[d + j] = x[src + j];
            q = end;
        }
    }
}
