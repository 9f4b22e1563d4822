package ssvae.kernels.cpu.conv;

import jdk.incubator.vector.FloatVector;
import ssvae.kernels.cpu.Parallel;
import ssvae.kernels.cpu.gemm.GatherMicro;
import ssvae.kernels.cpu.gemm.RowPairMicro;
import ssvae.kernels.cpu.gemm.SegmentMicro;
import ssvae.kernels.cpu.gemm.SegmentMicro3;
import ssvae.kernels.cpu.gemm.SgemmMicro;
import ssvae.tensor.ConvParams;
import ssvae.tensor.Tensor;

import static ssvae.kernels.cpu.conv.ConvFast.f32;
import static ssvae.kernels.cpu.conv.ConvFast.padSource;
import static ssvae.kernels.cpu.conv.ConvFast.weights;
import static ssvae.kernels.cpu.conv.ConvGeom.roundUp;
import static ssvae.kernels.cpu.conv.ConvLowered.CHUNK;
import static ssvae.kernels.cpu.conv.ConvLowered.KC;
import static ssvae.kernels.cpu.conv.ConvLowered.MR;
import static ssvae.kernels.cpu.conv.ConvLowered.NR;

/**
 * The F32 input gradient of a convolution, by shape: few input channels with unit strides walk rings of padded
 * output-gradient planes ({@link #slabInput}) or scatter W^T dOut ({@link #scatterInput}); other unit-stride
 * convolutions correlate the padded output gradient with the flipped, channel-swapped weights
 * ({@link #transposedForward}); strided ones compute col = W^T dOut tile by tile and scatter it back ({@link #col2im}).
 */
final class ConvGradInput {
    private ConvGradInput() {}

    /** Output-gradient channels per pass of {@link #slabInput}. */
    static final int SLAB_CHANNELS = 2;

    /**
     * Unit strides, 1 to 3 input channels, W a multiple of V: the transposed correlation of {@link #transposedForward}
     * (register tiles of 3 channels x one row, or x two rows with {@link RowPairMicro}, over the output-gradient
     * channels x taps) in passes of SLAB_CHANNELS channels (2 measured
     * best on 3 -> 32 channels, 128 x 128: the ring and the input-gradient plane both stay near L2). A pass
     * keeps a ring of kernel-depth zero-padded planes of its channels (L2-sized) and walks the planes in order: each
     * plane of the output gradient is copied once, channel plane by channel plane (long sequential runs), and every
     * tap then reads from L2; the input gradient (few channels, cache-resident) accumulates across the passes. (A
     * whole padded copy of a many-channel gradient of an RGB input layer outgrows L3, and each tap would read it
     * from far apart.)
     */
    static void slabInput(ConvParams prm, Tensor gradOut, Tensor w, Tensor gradIn) {
        ConvGeom g = new ConvGeom(prm, gradIn.shape(), w.shape(), gradOut.shape());
        float[] ga = f32(gradOut), wa = f32(w), xa = f32(gradIn);
        int[] before = new int[3];
        int[] ks = {g.kd, g.kh, g.kw};
        for (int i = 0; i < 3; i++) before[i] = (ks[i] - 1) * g.dl[i] - g.pb[i];
        int kvol = g.kd * g.kh * g.kw, nk = g.mg * kvol, mg = g.mg, ob = Math.min(SLAB_CHANNELS, mg);
        int span = (g.kd - 1) * g.dl[0] + 1, wp = g.w + (g.kw - 1) * g.dl[2], rowsS = g.h + (g.kh - 1) * g.dl[1];
        int slot = ob * rowsS * wp, plane = g.h * g.w;
        int[] pos = ConvGeom.positions(1, g.h, g.w, new int[] {1, 1, 1}, rowsS, wp);
        int passes = (mg + ob - 1) / ob, threads = Math.max(1, Math.min(Parallel.threads(), g.d));
        // two input-gradient rows per tile (RowPairMicro) for 3 channels, unit H dilation, even H, W in whole tiles;
        // otherwise one row per 3 x NR3 tile (forwardSeg3)
        boolean pairs = g.cg == SegmentMicro3.ROWS && g.dl[1] == 1 && g.h % 2 == 0 && g.w % RowPairMicro.COLS == 0;
        int[] items = pairs ? pairItems(g.kh, g.kw, g.dl[2], wp) : null, counts = {g.kw, (g.kh - 1) * g.kw, g.kw};
        float[][] pwPass = new float[passes][];
        if (pairs) for (int ps = 0; ps < passes; ps++) pwPass[ps] = packPairs(wa, w.offset(), ps * ob, Math.min(ob, mg - ps * ob), g);
        else {
            // packed transposed weights, depth ordered (o, taps): a pass over channels [o0, o0 + ob) is a depth range
            float[] pw = ConvLowered.packTransposed(wa, w.offset(), mg, g.cg, kvol, weights(1, ConvLowered.packedSize(g.cg, nk)));
            for (int ps = 0; ps < passes; ps++) {
                int d0 = ps * ob * kvol, dn = Math.min(ob, mg - ps * ob) * kvol;
                pwPass[ps] = java.util.Arrays.copyOfRange(pw, d0 * MR, (d0 + dn) * MR);
            }
        }
        for (int n = 0; n < g.n; n++) {
            int gb = gradOut.offset() + n * g.cout * g.p, xb = gradIn.offset() + n * g.cin * g.inVol();
            // threads take ranges of input-gradient planes (disjoint outputs), each with its own ring
            Parallel.forEach(threads, th -> {
                int z0 = g.d * th / threads, z1 = g.d * (th + 1) / threads;
                float[] ring = new float[span * slot];
                int[] loaded = new int[span], tap = new int[pairs ? ob * g.kd * items.length : ob * kvol];
                for (int ps = 0; ps < passes; ps++) {
                    int o0 = ps * ob, oc = Math.min(ob, mg - o0), dn = oc * kvol, blocks = oc * g.kd;
                    java.util.Arrays.fill(loaded, Integer.MIN_VALUE);
                    for (int z = z0; z < z1; z++) {
                        // the ring holds padded planes z .. z + span - 1 (padded plane zp in slot zp % span)
                        for (int zp = z; zp < z + span; zp++) {
                            int sl = zp % span;
                            if (loaded[sl] == zp) continue;
                            loaded[sl] = zp;
                            fillSlabPlane(ga, gb, g, o0, oc, zp - before[0], -before[1], rowsS, wp, before[2], ring, sl * slot);
                        }
                        if (pairs) {
                            // phase-major depth: phase A items of every (channel, kernel plane) block, then B, then C
                            for (int ph = 0, t = 0, q0 = 0; ph < 3; q0 += counts[ph++])
                                for (int o = 0; o < oc; o++)
                                    for (int i = 0; i < g.kd; i++) {
                                        int base = ((z + i * g.dl[0]) % span) * slot + o * rowsS * wp;
                                        for (int q = q0; q < q0 + counts[ph]; q++) tap[t++] = base + items[q];
                                    }
                            pairPlane(ring, tap, blocks * counts[0], blocks * counts[1], blocks * counts[2], pwPass[ps],
                                    xa, xb + z * plane, g.inVol(), g.h, g.w, wp, ps > 0);
                            continue;
                        }
                        for (int o = 0, t = 0; o < oc; o++)
                            for (int i = 0; i < g.kd; i++) {
                                int base = ((z + i * g.dl[0]) % span) * slot + o * rowsS * wp;
                                for (int j = 0; j < g.kh; j++) for (int l = 0; l < g.kw; l++)
                                    tap[t++] = base + j * g.dl[1] * wp + l * g.dl[2];
                            }
                        // one depth slice per pass: the ring is in L2, so the tile's output rows are loaded once per pass
                        ConvLowered.forwardSeg3(ring, 0, tap, pos, dn, pwPass[ps], g.cg, xa, xb + z * plane, g.inVol(), null, 0, ps > 0, dn);
                    }
                }
            });
        }
    }

    /**
     * The depth items of a {@link RowPairMicro} tile within one (channel, kernel plane) block, as offsets into the ring
     * from the top-left source of the row pair, source row major: row 0 (phase A, output row 0 only), rows 1 .. kh-1
     * (B, both), row kh (C, output row 1 only), kw kernel columns each.
     */
    static int[] pairItems(int kh, int kw, int dlw, int wp) {
        int[] r = new int[(kh + 1) * kw];
        for (int jj = 0, t = 0; jj <= kh; jj++) for (int l = 0; l < kw; l++) r[t++] = jj * wp + l * dlw;
        return r;
    }

    /**
     * {@link RowPairMicro} weights of one pass (output-gradient channels [o0, o0 + oc)), in the order of the tap
     * table of {@link #slabInput} (phase, channel, kernel plane, source row, kernel column): item (o, i, jj, l) holds at
     * 3 * r + c the transposed, flipped weight of kernel row jj - r for output row r (zero outside the kernel).
     */
    static float[] packPairs(float[] wa, int wOff, int o0, int oc, ConvGeom g) {
        int kvol = g.kd * g.kh * g.kw, items = (g.kh + 1) * g.kw;
        float[] r = new float[oc * g.kd * items * 6];
        int[] from = {0, 1, g.kh}, to = {1, g.kh, g.kh + 1};  // source rows of phases A, B, C
        for (int ph = 0, t = 0; ph < 3; ph++)
        for (int o = 0; o < oc; o++)
            for (int i = 0; i < g.kd; i++)
                for (int jj = from[ph]; jj < to[ph]; jj++)
                    for (int l = 0; l < g.kw; l++, t++)
                        for (int row = 0; row < 2; row++) {
                            int j = jj - row;
                            if (j < 0 || j >= g.kh) continue;
                            for (int c = 0; c < 3; c++)
                                r[t * 6 + 3 * row + c] = wa[wOff + ((o0 + o) * g.cg + c) * kvol
                                        + ((g.kd - 1 - i) * g.kh + (g.kh - 1 - j)) * g.kw + (g.kw - 1 - l)];
                        }
        return r;
    }

    /** One input-gradient plane from the ring, two output rows per {@link RowPairMicro} tile (depth in phases nA, nB, nC). */
    static void pairPlane(float[] ring, int[] tap, int nA, int nB, int nC, float[] pw, float[] out, int outBase, int ldc,
                          int h, int w, int wp, boolean acc) {
        for (int y = 0; y < h; y += 2)
            for (int x = 0; x < w; x += RowPairMicro.COLS)
                RowPairMicro.tile(nA, nB, nC, pw, 0, ring, y * wp + x, tap, 0, out, outBase + y * w + x, ldc, w, acc);
    }

    /**
     * One ring plane of {@link #slabInput}: for channels [o0, o0 + oc), rows [r0, r0 + rows) of plane z of the output
     * gradient (OW wide, after left zero columns, wp wide in all) at slab[off + (o * rows + r) * wp]; rows and planes
     * outside the gradient are zeros. Only the rows inside are copied: the border columns and rows of the ring start
     * zero and are never written with anything else.
     */
    static void fillSlabPlane(float[] ga, int gb, ConvGeom g, int o0, int oc, int z, int r0, int rows, int wp, int left, float[] slab, int off) {
        int ow = g.ow, oh = g.oh;
        if (z < 0 || z >= g.od) { java.util.Arrays.fill(slab, off, off + oc * rows * wp, 0f); return; }
        int x0 = Math.max(0, -left), x1 = Math.min(ow, wp - left), run = Math.max(0, x1 - x0), lz = Math.max(0, left);
        int y0 = Math.max(0, r0), y1 = Math.min(oh, r0 + rows);
        for (int o = 0; o < oc; o++) {
            int src = gb + (((o0 + o) * g.od + z) * oh) * ow + x0, dst = off + o * rows * wp + lz;
            for (int y = y0; y < y1; y++) System.arraycopy(ga, src + y * ow, slab, dst + (y - r0) * wp, run);
        }
    }

    /** Input channels up to which {@link #scatterInput} computes the input gradient. */
    static final int SCATTER_MAX_CIN = 4;

    /**
     * Unit strides, few input channels (an RGB input layer), OW a multiple of V: per piece of NR output positions
     * col[k, p] = sum_o W[o, k] dOut[o, p] (the segment kernel reading dOut rows in place, each element once), then
     * added into a zero-padded input gradient at pos[p] + tap[k] (col2im), which is cropped at the end. Reading the
     * many-channel output gradient once, in order, is what matters here: the transposed correlation would pad it and
     * read it 27 times from far apart.
     */
    static void scatterInput(ConvParams prm, Tensor gradOut, Tensor w, Tensor gradIn) {
        ConvGeom g = new ConvGeom(prm, gradIn.shape(), w.shape(), gradOut.shape());
        float[] ga = f32(gradOut), wa = f32(w), xa = f32(gradIn);
        int V = ConvLowered.V, kr = roundUp(g.k, MR), tiles = kr / MR, P = g.p, lastSeg = P - V;
        int dp = g.d + g.pb[0] + g.pa[0], hp = g.h + g.pb[1] + g.pa[1], wp = g.w + g.pb[2] + g.pa[2], vol = g.cg * dp * hp * wp;
        int[] tap = ConvGeom.taps(g.cg, g.kd, g.kh, g.kw, g.dl, dp, hp, wp);
        int[] pos = ConvGeom.positions(g.od, g.oh, g.ow, g.s, hp, wp);
        // A: W^T packed in MR-row slivers over the output-channel depth: pa[(t * mg + o) * MR + r] = w[o, t * MR + r]
        float[] pa = new float[tiles * g.mg * MR];
        for (int o = 0; o < g.mg; o++)
            for (int k = 0; k < g.k; k++) pa[((k / MR) * g.mg + o) * MR + k % MR] = wa[w.offset() + o * g.k + k];
        int[] dOff = new int[g.mg];
        for (int o = 0; o < g.mg; o++) dOff[o] = o * P;
        int slivers = (P + NR - 1) / NR, threads = Math.max(1, Math.min(Parallel.threads(), slivers));
        // a piece of NR positions inside one output row (and a W kernel extent within one vector): the kw taps of a
        // (c, i, j) row are summed in registers along the row before one read-modify-write of the gradient row, so
        // no store has to forward into an overlapping, shifted load
        int reach = (g.kw - 1) * g.dl[2], rows9 = g.k / g.kw;
        boolean rowPieces = g.ow % NR == 0 && reach <= V;
        int cs = NR + 2 * V;  // col row: V zeros, NR values, V zeros
        for (int n = 0; n < g.n; n++) {
            int gb = gradOut.offset() + n * g.cout * P;
            // one padded accumulator per thread (pieces of neighbouring positions overlap through the kernel halo)
            float[][] acc = new float[threads][];
            Parallel.forEach(threads, th -> {
                float[] gxp = new float[vol + 2 * NR], col = new float[kr * cs];
                int s0 = (int) ((long) slivers * th / threads), s1 = (int) ((long) slivers * (th + 1) / threads);
                for (int sl = s0; sl < s1; sl++) {
                    int p0 = sl * NR, nr = Math.min(NR, P - p0);
                    int b0 = gb + p0, b1 = gb + Math.min(p0 + V, lastSeg), b2 = gb + Math.min(p0 + 2 * V, lastSeg), b3 = gb + Math.min(p0 + 3 * V, lastSeg);
                    for (int t = 0; t < tiles; t++)
                        SegmentMicro.tile(0, g.mg, pa, t * g.mg * MR, ga, b0, b1, b2, b3, dOff, col, t * MR * cs + V, cs, false);
                    if (rowPieces) {
                        int base = pos[p0];
                        for (int r = 0; r < rows9; r++) {
                            int k0 = r * g.kw, d = base + tap[k0];
                            for (int m = 0; m < NR + reach; m += V) {
                                FloatVector v = FloatVector.fromArray(SgemmMicro.S, gxp, d + m);
                                for (int l = 0; l < g.kw; l++)
                                    v = v.add(FloatVector.fromArray(SgemmMicro.S, col, (k0 + l) * cs + V + m - l * g.dl[2]));
                                v.intoArray(gxp, d + m);
                            }
                        }
                        continue;
                    }
                    // col2im by V-runs: each lies in one output row, so it is contiguous in the padded gradient
                    for (int j = 0; j < nr; j += V) {
                        int base = pos[p0 + j];
                        for (int k = 0; k < g.k; k++) {
                            int d = base + tap[k];
                            FloatVector.fromArray(SgemmMicro.S, gxp, d).add(FloatVector.fromArray(SgemmMicro.S, col, k * cs + V + j)).intoArray(gxp, d);
                        }
                    }
                }
                acc[th] = gxp;
            });
            float[] sum = acc[0];
            for (int th = 1; th < threads; th++) {
                float[] o = acc[th];
                for (int i = 0; i < vol; i++) sum[i] += o[i];
            }
            ConvGeom.padInto(xa, gradIn.offset() + n * g.cin * g.inVol(), sum, 0, g.cg, dp, hp, wp, neg(g.pb), neg(g.pa));
        }
    }

    /** Unit strides: gradIn = corr(pad(gradOut, (k-1)*dil - pad), flip(W) with in/out channels swapped). */
    static void transposedForward(ConvParams prm, Tensor gradOut, Tensor w, Tensor gradIn) {
        ConvGeom g = new ConvGeom(prm, gradIn.shape(), w.shape(), gradOut.shape());
        float[] ga = f32(gradOut), wa = f32(w), xa = f32(gradIn);
        int[] kk = {g.kd, g.kh, g.kw};
        int[] before = new int[3], after = new int[3];
        for (int i = 0; i < 3; i++) { before[i] = (kk[i] - 1) * g.dl[i] - g.pb[i]; after[i] = (kk[i] - 1) * g.dl[i] - g.pa[i]; }
        int dp = g.od + before[0] + after[0], hp = g.oh + before[1] + after[1], wp = g.ow + before[2] + after[2];
        int kvol = g.kd * g.kh * g.kw, nk = g.mg * kvol, np = roundUp(g.cg, NR);
        int[] tap = ConvGeom.taps(g.mg, g.kd, g.kh, g.kw, g.dl, dp, hp, wp);
        boolean seg = ConvLowered.segmentable(g.w, 1);
        int[] pos = ConvGeom.positions(g.d, g.h, g.w, new int[] {1, 1, 1}, hp, wp);
        float[][] wf = new float[g.groups][];
        for (int gr = 0; gr < g.groups; gr++) {
            int wOff = w.offset() + gr * g.mg * g.cg * kvol;
            if (seg) { wf[gr] = ConvLowered.packTransposed(wa, wOff, g.mg, g.cg, kvol, weights(g.groups, ConvLowered.packedSize(g.cg, nk))); continue; }
            // the transposed conv's weights wr[c][(o, i', j', l')] = w[o, c, kd-1-i', kh-1-j', kw-1-l']
            float[] wr = new float[g.cg * nk];
            for (int o = 0; o < g.mg; o++) for (int c = 0; c < g.cg; c++) {
                int src = wOff + (o * g.cg + c) * kvol;
                for (int t = 0; t < kvol; t++) wr[c * nk + o * kvol + t] = wa[src + kvol - 1 - t];
            }
            wf[gr] = ConvLowered.transposeWeights(wr, 0, g.cg, nk, np);
        }
        for (int n = 0; n < g.n; n++) {
            float[] gp = padSource(ga, gradOut.offset() + n * g.cout * g.p, g.cout, g.od, g.oh, g.ow, before, after);
            for (int gr = 0; gr < g.groups; gr++) {
                int ob = gradIn.offset() + (n * g.cin + gr * g.cg) * g.inVol();
                if (seg) ConvLowered.forwardSeg(gp, gr * g.mg * dp * hp * wp, tap, pos, nk, wf[gr], g.cg, xa, ob, g.inVol(), null, 0);
                else ConvLowered.forward(gp, gr * g.mg * dp * hp * wp, tap, pos, nk, wf[gr], np, g.cg, xa, ob, g.inVol(), null, 0);
            }
        }
    }

    /** General strides: per position chunk col[p, k] = sum_o dOut[o, p] W[o, k], scattered into a padded gradient. */
    static void col2im(ConvParams prm, Tensor gradOut, Tensor w, Tensor gradIn) {
        ConvGeom g = new ConvGeom(prm, gradIn.shape(), w.shape(), gradOut.shape());
        float[] ga = f32(gradOut), wa = f32(w), xa = f32(gradIn);
        int kp = roundUp(g.k, NR);
        int dp = g.d + g.pb[0] + g.pa[0], hp = g.h + g.pb[1] + g.pa[1], wp = g.w + g.pb[2] + g.pa[2];
        int[] tap = ConvGeom.taps(g.cg, g.kd, g.kh, g.kw, g.dl, dp, hp, wp);
        int[] pos = ConvGeom.positions(g.od, g.oh, g.ow, g.s, hp, wp);
        int[] chanOff = new int[g.mg];
        for (int o = 0; o < g.mg; o++) chanOff[o] = o * g.p;
        float[][] w2 = new float[g.groups][];
        for (int gr = 0; gr < g.groups; gr++) {
            float[] r = new float[g.mg * kp];
            for (int o = 0; o < g.mg; o++) System.arraycopy(wa, w.offset() + (gr * g.mg + o) * g.k, r, o * kp, g.k);
            w2[gr] = r;
        }
        Parallel.forEach(g.n * g.groups, ng -> {
            int n = ng / g.groups, gr = ng % g.groups;
            int gb = gradOut.offset() + (n * g.cout + gr * g.mg) * g.p;
            float[] gxp = new float[g.cg * dp * hp * wp];
            float[] col = new float[CHUNK * kp];
            for (int p0 = 0; p0 < g.p; p0 += CHUNK) {
                int p1 = Math.min(g.p, p0 + CHUNK), rows = p1 - p0, last = p1 - 1;
                for (int d0 = 0; d0 < g.mg; d0 += KC) {
                    int d1 = Math.min(g.mg, d0 + KC);
                    for (int sl = 0; sl < kp; sl += NR)
                        for (int t = 0; t < rows; t += MR) {
                            int q = p0 + t;
                            GatherMicro.tile(d0, d1, ga, gb + q, gb + Math.min(q + 1, last), gb + Math.min(q + 2, last),
                                    gb + Math.min(q + 3, last), gb + Math.min(q + 4, last), chanOff, w2[gr], sl, kp, col, t * kp + sl, kp, d0 > 0);
                        }
                }
                for (int r = 0; r < rows; r++) {
                    int base = pos[p0 + r], cb = r * kp;
                    for (int k = 0; k < g.k; k++) gxp[base + tap[k]] += col[cb + k];
                }
            }
            ConvGeom.padInto(xa, gradIn.offset() + (n * g.cin + gr * g.cg) * g.inVol(), gxp, 0, g.cg, dp, hp, wp, neg(g.pb), neg(g.pa));
        });
    }

    private static int[] neg(int[] v) { return new int[] {-v[0], -v[1], -v[2]}; }
}
