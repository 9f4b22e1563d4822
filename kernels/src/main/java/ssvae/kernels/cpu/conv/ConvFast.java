package ssvae.kernels.cpu.conv;

import jdk.incubator.vector.FloatVector;
import ssvae.kernels.cpu.Parallel;
import ssvae.kernels.cpu.gemm.BroadcastMicro;
import ssvae.kernels.cpu.gemm.DotMicro;
import ssvae.kernels.cpu.gemm.GatherMicro;
import ssvae.kernels.cpu.gemm.SegmentMicro;
import ssvae.kernels.cpu.gemm.SegmentMicro3;
import ssvae.kernels.cpu.gemm.SgemmMicro;
import ssvae.tensor.ConvParams;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.Tensor;

import static ssvae.kernels.cpu.conv.ConvGeom.roundUp;
import static ssvae.kernels.cpu.conv.ConvLowered.CHUNK;
import static ssvae.kernels.cpu.conv.ConvLowered.KC;
import static ssvae.kernels.cpu.conv.ConvLowered.MR;
import static ssvae.kernels.cpu.conv.ConvLowered.NR;

/**
 * F32 convolution lowered onto the register-blocked GEMM without an im2col buffer (contiguous NCDHW tensors).
 * forward: out = W * col(x) through {@link ConvLowered}. grad-input: for unit strides the correlation of the padded
 * output gradient with the flipped, channel-transposed weights (the same forward kernel); otherwise col = W^T * dOut
 * tile by tile, scattered back (col2im). grad-weight: dW^T[k, o] = sum_p col(x)[k, p] * dOut^T[p, o], the taps
 * gathered straight from the padded input.
 */
public final class ConvFast {
    private ConvFast() {}

    static float[] f32(Tensor t) { return ((CpuStorage) t.storage()).f32(); }

    public static void forward(ConvParams prm, Tensor x, Tensor w, Tensor bias, Tensor out) {
        ConvGeom g = new ConvGeom(prm, x.shape(), w.shape(), out.shape());
        float[] xa = f32(x), wa = f32(w), oa = f32(out), ba = bias == null ? null : f32(bias);
        int np = roundUp(g.mg, NR);
        boolean seg = ConvLowered.segmentable(g.ow, g.s[2]);
        float[][] wt = new float[g.groups][];
        for (int gr = 0; gr < g.groups; gr++)
            wt[gr] = seg ? ConvLowered.packRows(wa, w.offset() + gr * g.mg * g.k, g.mg, g.k, weights(g.groups, ConvLowered.packedSize(g.mg, g.k)))
                    : ConvLowered.transposeWeights(wa, w.offset() + gr * g.mg * g.k, g.mg, g.k, np);
        int dp = g.d + g.pb[0] + g.pa[0], hp = g.h + g.pb[1] + g.pa[1], wp = g.w + g.pb[2] + g.pa[2];
        int[] tap = ConvGeom.tapOffsets(g.cg, g.kd, g.kh, g.kw, g.dl, dp, hp, wp);
        int[] pos = ConvGeom.positionOffsets(g.od, g.oh, g.ow, g.s, hp, wp);
        for (int n = 0; n < g.n; n++) {
            float[] xp = padSource(xa, x.offset() + n * g.cin * g.inVol(), g.cin, g.d, g.h, g.w, g.pb, g.pa);
            for (int gr = 0; gr < g.groups; gr++) {
                int ob = out.offset() + (n * g.cout + gr * g.mg) * g.p, bo = bias == null ? 0 : bias.offset() + gr * g.mg;
                if (seg) ConvLowered.forwardSeg(xp, gr * g.cg * dp * hp * wp, tap, pos, g.k, wt[gr], g.mg, oa, ob, g.p, ba, bo);
                else ConvLowered.forward(xp, gr * g.cg * dp * hp * wp, tap, pos, g.k, wt[gr], np, g.mg, oa, ob, g.p, ba, bo);
            }
        }
    }

    /** The zero-padded source volume in the calling thread's reusable buffer. */
    static float[] padSource(float[] a, int off, int c, int d, int h, int w, int[] before, int[] after) {
        return ConvGeom.padInto(Scratch.floats(Scratch.Slot.SOURCE, ConvGeom.paddedSize(c, d, h, w, before, after)), 0, a, off, c, d, h, w, before, after);
    }

    /** A buffer for packed weights: the reusable one when a single group needs it, else a fresh one per group. */
    static float[] weights(int groups, int size) {
        return groups == 1 ? Scratch.floats(Scratch.Slot.WEIGHTS, size) : new float[size];
    }

    public static void backwardInput(ConvParams prm, Tensor gradOut, Tensor w, Tensor gradIn) {
        int[] st = prm.stride();
        boolean unit = st[0] == 1 && st[1] == 1 && st[2] == 1, single = prm.groups() == 1;
        if (unit && single && w.shape()[1] <= SegmentMicro3.ROWS && ConvLowered.segmentable(gradIn.shape()[4], 1)) slabInput(prm, gradOut, w, gradIn);
        else if (unit && single && w.shape()[1] <= SCATTER_MAX_CIN
                && ConvLowered.segmentable(gradOut.shape()[4], 1)) scatterInput(prm, gradOut, w, gradIn);
        else if (st[0] == 1 && st[1] == 1 && st[2] == 1) transposedForward(prm, gradOut, w, gradIn);
        else col2im(prm, gradOut, w, gradIn);
    }

    /** Output-gradient channels per pass of {@link #slabInput}. */
    static final int SLAB_CHANNELS = 2;

    /**
     * Unit strides, 1 to 3 input channels, W a multiple of V: the transposed correlation of {@link #transposedForward}
     * (3-row register tiles over the output-gradient channels x taps) in passes of SLAB_CHANNELS channels (2 measured
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
        // packed transposed weights, depth ordered (o, taps): a pass over channels [o0, o0 + ob) is a depth range
        float[] pw = ConvLowered.packTransposed(wa, w.offset(), mg, g.cg, kvol, weights(1, ConvLowered.packedSize(g.cg, nk)));
        int[] pos = new int[plane];
        for (int y = 0, q = 0; y < g.h; y++) for (int x = 0; x < g.w; x++) pos[q++] = y * wp + x;
        int passes = (mg + ob - 1) / ob, threads = Math.max(1, Math.min(Parallel.threads(), g.d));
        float[][] pwPass = new float[passes][];
        for (int ps = 0; ps < passes; ps++) {
            int d0 = ps * ob * kvol, dn = Math.min(ob, mg - ps * ob) * kvol;
            pwPass[ps] = java.util.Arrays.copyOfRange(pw, d0 * MR, (d0 + dn) * MR);
        }
        for (int n = 0; n < g.n; n++) {
            int gb = gradOut.offset() + n * g.cout * g.p, xb = gradIn.offset() + n * g.cin * g.inVol();
            // threads take ranges of input-gradient planes (disjoint outputs), each with its own ring
            Parallel.forEach(threads, th -> {
                int z0 = g.d * th / threads, z1 = g.d * (th + 1) / threads;
                float[] ring = new float[span * slot];
                int[] loaded = new int[span], tap = new int[ob * kvol];
                for (int ps = 0; ps < passes; ps++) {
                    int o0 = ps * ob, oc = Math.min(ob, mg - o0), dn = oc * kvol;
                    java.util.Arrays.fill(loaded, Integer.MIN_VALUE);
                    for (int z = z0; z < z1; z++) {
                        // the ring holds padded planes z .. z + span - 1 (padded plane zp in slot zp % span)
                        for (int zp = z; zp < z + span; zp++) {
                            int sl = zp % span;
                            if (loaded[sl] == zp) continue;
                            loaded[sl] = zp;
                            fillSlabPlane(ga, gb, g, o0, oc, zp - before[0], -before[1], rowsS, wp, before[2], ring, sl * slot);
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
        int[] tap = ConvGeom.tapOffsets(g.cg, g.kd, g.kh, g.kw, g.dl, dp, hp, wp);
        int[] pos = ConvGeom.positionOffsets(g.od, g.oh, g.ow, g.s, hp, wp);
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
        int[] tap = ConvGeom.tapOffsets(g.mg, g.kd, g.kh, g.kw, g.dl, dp, hp, wp);
        boolean seg = ConvLowered.segmentable(g.w, 1);
        int[] pos = ConvGeom.positionOffsets(g.d, g.h, g.w, new int[] {1, 1, 1}, hp, wp);
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
        int[] tap = ConvGeom.tapOffsets(g.cg, g.kd, g.kh, g.kw, g.dl, dp, hp, wp);
        int[] pos = ConvGeom.positionOffsets(g.od, g.oh, g.ow, g.s, hp, wp);
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

    /** dW[o, k] = sum_{n,p} dOut[n, o, p] * col(x_n)[k, p], computed as dW^T with the taps as GEMM rows. */
    public static void backwardWeight(ConvParams prm, Tensor x, Tensor gradOut, Tensor gradW) {
        ConvGeom g = new ConvGeom(prm, x.shape(), gradW.shape(), gradOut.shape());
        float[] xa = f32(x), ga = f32(gradOut), wa = f32(gradW);
        int np = roundUp(g.mg, NR), kr = roundUp(g.k, MR), tiles = kr / MR;
        int dp = g.d + g.pb[0] + g.pa[0], hp = g.h + g.pb[1] + g.pa[1], wp = g.w + g.pb[2] + g.pa[2];
        int[] tap = ConvGeom.tapOffsets(g.cg, g.kd, g.kh, g.kw, g.dl, dp, hp, wp);
        int[] pos = ConvGeom.positionOffsets(g.od, g.oh, g.ow, g.s, hp, wp);
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
        int tb = np <= NR ? WG_TILES_NARROW : WG_TILES, blocks = (tiles + tb - 1) / tb;
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
