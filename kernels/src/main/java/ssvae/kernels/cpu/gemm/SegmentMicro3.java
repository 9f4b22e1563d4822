package ssvae.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;

import static ssvae.kernels.cpu.gemm.SgemmMicro.MR;
import static ssvae.kernels.cpu.gemm.SgemmMicro.S;
import static ssvae.kernels.cpu.gemm.SgemmMicro.V;

/**
 * {@link SegmentMicro} for at most 3 weight rows: a 3 x 8-vector tile (24 accumulators) over eight V-wide segments,
 * so convolutions with 1 to 3 output channels (an RGB output layer, the input gradient of an RGB input layer) keep
 * the FMA units busy. A is the same packed [d][MR] sliver (only its first 3 rows are read).
 */
public final class SegmentMicro3 {
    private SegmentMicro3() {}

    public static final int ROWS = 3, NR3 = 8 * V;

    /** Segment bases seg[0..8); C rows r < 3 at c[cOff + r * ldc + 0..NR3). */
    public static void tile(int d0, int d1, float[] pa, int aOff, float[] x, int[] seg, int[] dOff,
                            float[] c, int cOff, int ldc, boolean acc) {
        int s0 = seg[0], s1 = seg[1], s2 = seg[2], s3 = seg[3], s4 = seg[4], s5 = seg[5], s6 = seg[6], s7 = seg[7];
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c04 = z, c05 = z, c06 = z, c07 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z, c14 = z, c15 = z, c16 = z, c17 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c24 = z, c25 = z, c26 = z, c27 = z;
        int a = aOff;
        for (int d = d0; d < d1; d++, a += MR) {
            int o = dOff[d];
            FloatVector w0 = FloatVector.broadcast(S, pa[a]), w1 = FloatVector.broadcast(S, pa[a + 1]), w2 = FloatVector.broadcast(S, pa[a + 2]);
            FloatVector b = FloatVector.fromArray(S, x, s0 + o);
            c00 = b.fma(w0, c00); c10 = b.fma(w1, c10); c20 = b.fma(w2, c20);
            b = FloatVector.fromArray(S, x, s1 + o);
            c01 = b.fma(w0, c01); c11 = b.fma(w1, c11); c21 = b.fma(w2, c21);
            b = FloatVector.fromArray(S, x, s2 + o);
            c02 = b.fma(w0, c02); c12 = b.fma(w1, c12); c22 = b.fma(w2, c22);
            b = FloatVector.fromArray(S, x, s3 + o);
            c03 = b.fma(w0, c03); c13 = b.fma(w1, c13); c23 = b.fma(w2, c23);
            b = FloatVector.fromArray(S, x, s4 + o);
            c04 = b.fma(w0, c04); c14 = b.fma(w1, c14); c24 = b.fma(w2, c24);
            b = FloatVector.fromArray(S, x, s5 + o);
            c05 = b.fma(w0, c05); c15 = b.fma(w1, c15); c25 = b.fma(w2, c25);
            b = FloatVector.fromArray(S, x, s6 + o);
            c06 = b.fma(w0, c06); c16 = b.fma(w1, c16); c26 = b.fma(w2, c26);
            b = FloatVector.fromArray(S, x, s7 + o);
            c07 = b.fma(w0, c07); c17 = b.fma(w1, c17); c27 = b.fma(w2, c27);
        }
        int o = cOff;
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(S, c, o)); c01 = c01.add(FloatVector.fromArray(S, c, o + V));
            c02 = c02.add(FloatVector.fromArray(S, c, o + 2 * V)); c03 = c03.add(FloatVector.fromArray(S, c, o + 3 * V));
            c04 = c04.add(FloatVector.fromArray(S, c, o + 4 * V)); c05 = c05.add(FloatVector.fromArray(S, c, o + 5 * V));
            c06 = c06.add(FloatVector.fromArray(S, c, o + 6 * V)); c07 = c07.add(FloatVector.fromArray(S, c, o + 7 * V));
            o += ldc;
            c10 = c10.add(FloatVector.fromArray(S, c, o)); c11 = c11.add(FloatVector.fromArray(S, c, o + V));
            c12 = c12.add(FloatVector.fromArray(S, c, o + 2 * V)); c13 = c13.add(FloatVector.fromArray(S, c, o + 3 * V));
            c14 = c14.add(FloatVector.fromArray(S, c, o + 4 * V)); c15 = c15.add(FloatVector.fromArray(S, c, o + 5 * V));
            c16 = c16.add(FloatVector.fromArray(S, c, o + 6 * V)); c17 = c17.add(FloatVector.fromArray(S, c, o + 7 * V));
            o += ldc;
            c20 = c20.add(FloatVector.fromArray(S, c, o)); c21 = c21.add(FloatVector.fromArray(S, c, o + V));
            c22 = c22.add(FloatVector.fromArray(S, c, o + 2 * V)); c23 = c23.add(FloatVector.fromArray(S, c, o + 3 * V));
            c24 = c24.add(FloatVector.fromArray(S, c, o + 4 * V)); c25 = c25.add(FloatVector.fromArray(S, c, o + 5 * V));
            c26 = c26.add(FloatVector.fromArray(S, c, o + 6 * V)); c27 = c27.add(FloatVector.fromArray(S, c, o + 7 * V));
            o = cOff;
        }
        c00.intoArray(c, o); c01.intoArray(c, o + V); c02.intoArray(c, o + 2 * V); c03.intoArray(c, o + 3 * V);
        c04.intoArray(c, o + 4 * V); c05.intoArray(c, o + 5 * V); c06.intoArray(c, o + 6 * V); c07.intoArray(c, o + 7 * V);
        o += ldc;
        c10.intoArray(c, o); c11.intoArray(c, o + V); c12.intoArray(c, o + 2 * V); c13.intoArray(c, o + 3 * V);
        c14.intoArray(c, o + 4 * V); c15.intoArray(c, o + 5 * V); c16.intoArray(c, o + 6 * V); c17.intoArray(c, o + 7 * V);
        o += ldc;
        c20.intoArray(c, o); c21.intoArray(c, o + V); c22.intoArray(c, o + 2 * V); c23.intoArray(c, o + 3 * V);
        c24.intoArray(c, o + 4 * V); c25.intoArray(c, o + 5 * V); c26.intoArray(c, o + 6 * V); c27.intoArray(c, o + 7 * V);
    }

    /**
     * As {@link #tile} when the eight segments are one contiguous run (a 128-wide output row of a padded source):
     * one base index, constant vector offsets, merged bounds checks. C rows r &lt; 3 at c[cOff + r * ldc + 0..NR3).
     */
    public static void tileRun(int d0, int d1, float[] pa, int aOff, float[] x, int s, int[] dOff, float[] c, int cOff, int ldc, boolean acc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c04 = z, c05 = z, c06 = z, c07 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z, c14 = z, c15 = z, c16 = z, c17 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c24 = z, c25 = z, c26 = z, c27 = z;
        int a = aOff;
        for (int d = d0; d < d1; d++, a += MR) {
            int i = s + dOff[d];
            FloatVector w0 = FloatVector.broadcast(S, pa[a]), w1 = FloatVector.broadcast(S, pa[a + 1]), w2 = FloatVector.broadcast(S, pa[a + 2]);
            FloatVector b = FloatVector.fromArray(S, x, i);
            c00 = b.fma(w0, c00); c10 = b.fma(w1, c10); c20 = b.fma(w2, c20);
            b = FloatVector.fromArray(S, x, i + V);
            c01 = b.fma(w0, c01); c11 = b.fma(w1, c11); c21 = b.fma(w2, c21);
            b = FloatVector.fromArray(S, x, i + 2 * V);
            c02 = b.fma(w0, c02); c12 = b.fma(w1, c12); c22 = b.fma(w2, c22);
            b = FloatVector.fromArray(S, x, i + 3 * V);
            c03 = b.fma(w0, c03); c13 = b.fma(w1, c13); c23 = b.fma(w2, c23);
            b = FloatVector.fromArray(S, x, i + 4 * V);
            c04 = b.fma(w0, c04); c14 = b.fma(w1, c14); c24 = b.fma(w2, c24);
            b = FloatVector.fromArray(S, x, i + 5 * V);
            c05 = b.fma(w0, c05); c15 = b.fma(w1, c15); c25 = b.fma(w2, c25);
            b = FloatVector.fromArray(S, x, i + 6 * V);
            c06 = b.fma(w0, c06); c16 = b.fma(w1, c16); c26 = b.fma(w2, c26);
            b = FloatVector.fromArray(S, x, i + 7 * V);
            c07 = b.fma(w0, c07); c17 = b.fma(w1, c17); c27 = b.fma(w2, c27);
        }
        int o = cOff;
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(S, c, o));
            c01 = c01.add(FloatVector.fromArray(S, c, o + V));
            c02 = c02.add(FloatVector.fromArray(S, c, o + 2 * V));
            c03 = c03.add(FloatVector.fromArray(S, c, o + 3 * V));
            c04 = c04.add(FloatVector.fromArray(S, c, o + 4 * V));
            c05 = c05.add(FloatVector.fromArray(S, c, o + 5 * V));
            c06 = c06.add(FloatVector.fromArray(S, c, o + 6 * V));
            c07 = c07.add(FloatVector.fromArray(S, c, o + 7 * V));
            o += ldc;
            c10 = c10.add(FloatVector.fromArray(S, c, o));
            c11 = c11.add(FloatVector.fromArray(S, c, o + V));
            c12 = c12.add(FloatVector.fromArray(S, c, o + 2 * V));
            c13 = c13.add(FloatVector.fromArray(S, c, o + 3 * V));
            c14 = c14.add(FloatVector.fromArray(S, c, o + 4 * V));
            c15 = c15.add(FloatVector.fromArray(S, c, o + 5 * V));
            c16 = c16.add(FloatVector.fromArray(S, c, o + 6 * V));
            c17 = c17.add(FloatVector.fromArray(S, c, o + 7 * V));
            o += ldc;
            c20 = c20.add(FloatVector.fromArray(S, c, o));
            c21 = c21.add(FloatVector.fromArray(S, c, o + V));
            c22 = c22.add(FloatVector.fromArray(S, c, o + 2 * V));
            c23 = c23.add(FloatVector.fromArray(S, c, o + 3 * V));
            c24 = c24.add(FloatVector.fromArray(S, c, o + 4 * V));
            c25 = c25.add(FloatVector.fromArray(S, c, o + 5 * V));
            c26 = c26.add(FloatVector.fromArray(S, c, o + 6 * V));
            c27 = c27.add(FloatVector.fromArray(S, c, o + 7 * V));
            o = cOff;
        }
        c00.intoArray(c, o); c01.intoArray(c, o + V); c02.intoArray(c, o + 2 * V); c03.intoArray(c, o + 3 * V); c04.intoArray(c, o + 4 * V); c05.intoArray(c, o + 5 * V); c06.intoArray(c, o + 6 * V); c07.intoArray(c, o + 7 * V);
        o += ldc;
        c10.intoArray(c, o); c11.intoArray(c, o + V); c12.intoArray(c, o + 2 * V); c13.intoArray(c, o + 3 * V); c14.intoArray(c, o + 4 * V); c15.intoArray(c, o + 5 * V); c16.intoArray(c, o + 6 * V); c17.intoArray(c, o + 7 * V);
        o += ldc;
        c20.intoArray(c, o); c21.intoArray(c, o + V); c22.intoArray(c, o + 2 * V); c23.intoArray(c, o + 3 * V); c24.intoArray(c, o + 4 * V); c25.intoArray(c, o + 5 * V); c26.intoArray(c, o + 6 * V); c27.intoArray(c, o + 7 * V);
    }

    /** Partial tile (mr <= 3 rows, nr <= NR3 columns valid) through a 3 x NR3 scratch buffer. */
    public static void edge(int d0, int d1, float[] pa, int aOff, float[] x, int[] seg, int[] dOff,
                            float[] c, int cOff, int ldc, boolean acc, int mr, int nr, float[] scratch) {
        tile(d0, d1, pa, aOff, x, seg, dOff, scratch, 0, NR3, false);
        for (int r = 0; r < mr; r++) {
            int o = cOff + r * ldc, s = r * NR3;
            if (acc) for (int j = 0; j < nr; j++) c[o + j] += scratch[s + j];
            else System.arraycopy(scratch, s, c, o, nr);
        }
    }
}
