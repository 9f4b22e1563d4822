package ssvae.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;

import static ssvae.kernels.cpu.gemm.SgemmMicro.MR;
import static ssvae.kernels.cpu.gemm.SgemmMicro.NR;
import static ssvae.kernels.cpu.gemm.SgemmMicro.S;
import static ssvae.kernels.cpu.gemm.SgemmMicro.V;

/**
 * The SGEMM micro-kernel with an implicit B operand made of four contiguous vector segments, for convolutions
 * whose output rows are whole vectors (unit W stride, OW a multiple of V): the NR columns are output positions,
 * vector v of depth step d loaded from x[seg_v + dOff[d]] (a zero-padded input and the tap offset table);
 * A is a packed sliver [d][MR] of weights. C[r, 0..NR) (+)= sum_d a[d, r] * x[seg + dOff[d]].
 */
public final class SegmentMicro {
    private SegmentMicro() {}

    public static void tile(int d0, int d1, float[] pa, int aOff, float[] x, int s0, int s1, int s2, int s3, int[] dOff,
                            float[] c, int cOff, int ldc, boolean acc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
        int a = aOff;
        for (int d = d0; d < d1; d++, a += MR) {
            int o = dOff[d];
            FloatVector b0 = FloatVector.fromArray(S, x, s0 + o);
            FloatVector b1 = FloatVector.fromArray(S, x, s1 + o);
            FloatVector b2 = FloatVector.fromArray(S, x, s2 + o);
            FloatVector b3 = FloatVector.fromArray(S, x, s3 + o);
            FloatVector w = FloatVector.broadcast(S, pa[a]);
            c00 = b0.fma(w, c00); c01 = b1.fma(w, c01); c02 = b2.fma(w, c02); c03 = b3.fma(w, c03);
            w = FloatVector.broadcast(S, pa[a + 1]);
            c10 = b0.fma(w, c10); c11 = b1.fma(w, c11); c12 = b2.fma(w, c12); c13 = b3.fma(w, c13);
            w = FloatVector.broadcast(S, pa[a + 2]);
            c20 = b0.fma(w, c20); c21 = b1.fma(w, c21); c22 = b2.fma(w, c22); c23 = b3.fma(w, c23);
            w = FloatVector.broadcast(S, pa[a + 3]);
            c30 = b0.fma(w, c30); c31 = b1.fma(w, c31); c32 = b2.fma(w, c32); c33 = b3.fma(w, c33);
            w = FloatVector.broadcast(S, pa[a + 4]);
            c40 = b0.fma(w, c40); c41 = b1.fma(w, c41); c42 = b2.fma(w, c42); c43 = b3.fma(w, c43);
        }
        if (acc) {
            int o = cOff;
            c00 = c00.add(FloatVector.fromArray(S, c, o)); c01 = c01.add(FloatVector.fromArray(S, c, o + V));
            c02 = c02.add(FloatVector.fromArray(S, c, o + 2 * V)); c03 = c03.add(FloatVector.fromArray(S, c, o + 3 * V));
            o += ldc;
            c10 = c10.add(FloatVector.fromArray(S, c, o)); c11 = c11.add(FloatVector.fromArray(S, c, o + V));
            c12 = c12.add(FloatVector.fromArray(S, c, o + 2 * V)); c13 = c13.add(FloatVector.fromArray(S, c, o + 3 * V));
            o += ldc;
            c20 = c20.add(FloatVector.fromArray(S, c, o)); c21 = c21.add(FloatVector.fromArray(S, c, o + V));
            c22 = c22.add(FloatVector.fromArray(S, c, o + 2 * V)); c23 = c23.add(FloatVector.fromArray(S, c, o + 3 * V));
            o += ldc;
            c30 = c30.add(FloatVector.fromArray(S, c, o)); c31 = c31.add(FloatVector.fromArray(S, c, o + V));
            c32 = c32.add(FloatVector.fromArray(S, c, o + 2 * V)); c33 = c33.add(FloatVector.fromArray(S, c, o + 3 * V));
            o += ldc;
            c40 = c40.add(FloatVector.fromArray(S, c, o)); c41 = c41.add(FloatVector.fromArray(S, c, o + V));
            c42 = c42.add(FloatVector.fromArray(S, c, o + 2 * V)); c43 = c43.add(FloatVector.fromArray(S, c, o + 3 * V));
        }
        int o = cOff;
        c00.intoArray(c, o); c01.intoArray(c, o + V); c02.intoArray(c, o + 2 * V); c03.intoArray(c, o + 3 * V);
        o += ldc;
        c10.intoArray(c, o); c11.intoArray(c, o + V); c12.intoArray(c, o + 2 * V); c13.intoArray(c, o + 3 * V);
        o += ldc;
        c20.intoArray(c, o); c21.intoArray(c, o + V); c22.intoArray(c, o + 2 * V); c23.intoArray(c, o + 3 * V);
        o += ldc;
        c30.intoArray(c, o); c31.intoArray(c, o + V); c32.intoArray(c, o + 2 * V); c33.intoArray(c, o + 3 * V);
        o += ldc;
        c40.intoArray(c, o); c41.intoArray(c, o + V); c42.intoArray(c, o + 2 * V); c43.intoArray(c, o + 3 * V);
    }

    /** Partial tile (mr rows, nr columns valid) through a MR x NR scratch buffer. */
    public static void edge(int d0, int d1, float[] pa, int aOff, float[] x, int s0, int s1, int s2, int s3, int[] dOff,
                            float[] c, int cOff, int ldc, boolean acc, int mr, int nr, float[] scratch) {
        tile(d0, d1, pa, aOff, x, s0, s1, s2, s3, dOff, scratch, 0, NR, false);
        if (nr == NR) {
            for (int r = 0; r < mr; r++) {
                int o = cOff + r * ldc, s = r * NR;
                for (int j = 0; j < NR; j += V) {
                    FloatVector v = FloatVector.fromArray(S, scratch, s + j);
                    if (acc) v = v.add(FloatVector.fromArray(S, c, o + j));
                    v.intoArray(c, o + j);
                }
            }
            return;
        }
        for (int r = 0; r < mr; r++) {
            int o = cOff + r * ldc, s = r * NR;
            if (acc) for (int j = 0; j < nr; j++) c[o + j] += scratch[s + j];
            else System.arraycopy(scratch, s, c, o, nr);
        }
    }
}
