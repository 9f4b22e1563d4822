package ssvae.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import ssvae.tensor.Tensor;

/**
 * F32 linear/bilinear/trilinear interpolation, separably: W first (a scalar gather per input row into a
 * resampled row of width OW), then H and D as weighted sums of whole resampled rows (vectorised). The taps and
 * weights are those of {@link InterpCoords}, so this equals the per-voxel sum of {@link CpuInterpolate#forwardRef}
 * up to float rounding. Forward: units (plane, output depth), resampled input slices cached across consecutive
 * units. Backward, the transpose: units (plane, input depth) own their slice of gIn, so no two threads write the
 * same element: gOut rows are accumulated into per-row sums of width OW (vectorised), then scattered along W.
 */
final class CpuInterpolateLinear {
    private CpuInterpolateLinear() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    static void forward(InterpCoords[] ax, Tensor x, Tensor out) {
        InterpCoords td = ax[0], th = ax[1], tw = ax[2];
        float[] xa = CpuNn.st(x).f32(), oa = CpuNn.st(out).f32();
        int D = x.size(2), H = x.size(3), W = x.size(4), OD = out.size(2), OH = out.size(3), OW = out.size(4);
        int planes = x.size(0) * x.size(1), xo = x.offset(), oo = out.offset();
        boolean[] needH = new boolean[H];
        for (int oh = 0; oh < OH; oh++) { needH[th.i0[oh]] = true; needH[th.i1[oh]] = true; }
        Parallel.forRange(planes * OD, Math.max(1, 16384 / Math.max(1, OH * OW)), (a, b) -> {
            // two cached W-resampled input slices [H][OW], tagged with plane * D + d
            float[][] slab = {new float[H * OW], new float[H * OW]};
            long[] tag = {-1, -1};
            for (int u = a; u < b; u++) {
                int pl = u / OD, od = u % OD;
                int d0 = td.i0[od], d1 = td.i1[od];
                int s0 = slice(slab, tag, (long) pl * D + d0, -1, xa, xo + (pl * D + d0) * H * W, H, W, OW, tw, needH);
                int s1 = d1 == d0 ? s0 : slice(slab, tag, (long) pl * D + d1, s0, xa, xo + (pl * D + d1) * H * W, H, W, OW, tw, needH);
                float wd0 = d1 == d0 ? td.f0[od] + td.f1[od] : td.f0[od], wd1 = d1 == d0 ? 0f : td.f1[od];
                float[] A = slab[s0], B = slab[s1];
                int ob = oo + (pl * OD + od) * OH * OW;
                for (int oh = 0; oh < OH; oh++) {
                    int h0 = th.i0[oh], h1 = th.i1[oh];
                    float wh0 = th.f0[oh], wh1 = th.f1[oh];
                    blend4(A, h0 * OW, wd0 * wh0, A, h1 * OW, wd0 * wh1, B, h0 * OW, wd1 * wh0, B, h1 * OW, wd1 * wh1, oa, ob + oh * OW, OW);
                }
            }
        });
    }

    /** Index of the cached buffer holding slice key, filling the buffer other than keep when absent. */
    private static int slice(float[][] slab, long[] tag, long key, int keep, float[] xa, int xb, int H, int W, int OW, InterpCoords tw, boolean[] needH) {
        for (int i = 0; i < 2; i++) if (tag[i] == key) return i;
        int i = keep == 0 ? 1 : 0;
        tag[i] = key;
        float[] dst = slab[i];
        for (int h = 0; h < H; h++) if (needH[h]) resampleRow(xa, xb + h * W, dst, h * OW, OW, tw.i0, tw.i1, tw.f0, tw.f1);
        return i;
    }

    private static void resampleRow(float[] x, int r, float[] dst, int q, int n, int[] i0, int[] i1, float[] w0, float[] w1) {
        for (int o = 0; o < n; o++) dst[q + o] = w0[o] * x[r + i0[o]] + w1[o] * x[r + i1[o]];
    }

    /** out[q..q+n) = c0 * a[p0..] + c1 * b[p1..] + c2 * c[p2..] + c3 * d[p3..]. */
    private static void blend4(float[] a, int p0, float c0, float[] b, int p1, float c1, float[] c, int p2, float c2, float[] d, int p3, float c3,
                               float[] out, int q, int n) {
        FloatVector v1 = FloatVector.broadcast(S, c1), v2 = FloatVector.broadcast(S, c2), v3 = FloatVector.broadcast(S, c3);
        int up = S.loopBound(n), i = 0;
        for (; i < up; i += L) {
            FloatVector v = FloatVector.fromArray(S, a, p0 + i).mul(c0);
            v = FloatVector.fromArray(S, b, p1 + i).fma(v1, v);
            v = FloatVector.fromArray(S, c, p2 + i).fma(v2, v);
            FloatVector.fromArray(S, d, p3 + i).fma(v3, v).intoArray(out, q + i);
        }
        for (; i < n; i++) out[q + i] = c0 * a[p0 + i] + c1 * b[p1 + i] + c2 * c[p2 + i] + c3 * d[p3 + i];
    }

    static void backward(InterpCoords[] ax, Tensor gOut, Tensor gIn) {
        InterpCoords td = ax[0], th = ax[1], tw = ax[2];
        float[] ga = CpuNn.st(gOut).f32(), ia = CpuNn.st(gIn).f32();
        int D = gIn.size(2), H = gIn.size(3), W = gIn.size(4), OD = gOut.size(2), OH = gOut.size(3), OW = gOut.size(4);
        int planes = gIn.size(0) * gIn.size(1), go = gOut.offset(), io = gIn.offset();
        // output depths feeding each input depth: od in [odLo[d], odHi[d]) (taps are monotone in od)
        int[] odLo = new int[D], odHi = new int[D];
        java.util.Arrays.fill(odLo, OD);
        for (int od = 0; od < OD; od++)
            for (int d : new int[] {td.i0[od], td.i1[od]}) { odLo[d] = Math.min(odLo[d], od); odHi[d] = Math.max(odHi[d], od + 1); }
        Parallel.forRange(planes * D, Math.max(1, 16384 / Math.max(1, OH * OW * Math.max(1, OD / Math.max(D, 1)))), (a, b) -> {
            float[] acc = new float[H * OW];
            for (int u = a; u < b; u++) {
                int pl = u / D, d = u % D;
                java.util.Arrays.fill(acc, 0f);
                for (int od = odLo[d]; od < odHi[d]; od++) {
                    float wd = td.weightOf(od, d);
                    int gb = go + (pl * OD + od) * OH * OW;
                    for (int oh = 0; oh < OH; oh++) {
                        axpy(wd * th.f0[oh], ga, gb + oh * OW, acc, th.i0[oh] * OW, OW);
                        axpy(wd * th.f1[oh], ga, gb + oh * OW, acc, th.i1[oh] * OW, OW);
                    }
                }
                int ib = io + (pl * D + d) * H * W;
                java.util.Arrays.fill(ia, ib, ib + H * W, 0f);
                for (int h = 0; h < H; h++) scatterRow(acc, h * OW, ia, ib + h * W, OW, tw.i0, tw.i1, tw.f0, tw.f1);
            }
        });
    }

    /** y[q..q+n) += c * x[p..p+n). */
    private static void axpy(float c, float[] x, int p, float[] y, int q, int n) {
        if (c == 0) return;
        FloatVector vc = FloatVector.broadcast(S, c);
        int up = S.loopBound(n), i = 0;
        for (; i < up; i += L) FloatVector.fromArray(S, x, p + i).fma(vc, FloatVector.fromArray(S, y, q + i)).intoArray(y, q + i);
        for (; i < n; i++) y[q + i] += c * x[p + i];
    }

    private static void scatterRow(float[] g, int q, float[] gi, int r, int n, int[] i0, int[] i1, float[] w0, float[] w1) {
        for (int o = 0; o < n; o++) {
            float v = g[q + o];
            gi[r + i0[o]] += w0[o] * v;
            gi[r + i1[o]] += w1[o] * v;
        }
    }
}
