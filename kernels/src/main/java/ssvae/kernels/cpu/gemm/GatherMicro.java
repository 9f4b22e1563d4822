package ssvae.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;

import static ssvae.kernels.cpu.gemm.SgemmMicro.S;
import static ssvae.kernels.cpu.gemm.SgemmMicro.V;

/**
 * The SGEMM micro-kernel with an implicit (gathered) A operand, for convolutions without an im2col buffer:
 * for d in [d0, d1): C[r, 0..NR) (+)= x[rowBase_r + dOff[d]] * b[bOff + d * ldb + 0..NR), r < 5, NR = 4 vectors.
 * Rows are output positions (or kernel taps) addressed by their base offsets in a zero-padded source; the
 * depth offset table walks the other index. Same 5 x 4-vector register tile as {@link SgemmMicro}.
 */
public final class GatherMicro {
    private GatherMicro() {}

    public static void tile(int d0, int d1, float[] x, int r0, int r1, int r2, int r3, int r4, int[] dOff,
                            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean acc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
        int bi = bOff + d0 * ldb;
        for (int d = d0; d < d1; d++, bi += ldb) {
            int o = dOff[d];
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * V);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * V);
            FloatVector a = FloatVector.broadcast(S, x[r0 + o]);
            c00 = b0.fma(a, c00); c01 = b1.fma(a, c01); c02 = b2.fma(a, c02); c03 = b3.fma(a, c03);
            a = FloatVector.broadcast(S, x[r1 + o]);
            c10 = b0.fma(a, c10); c11 = b1.fma(a, c11); c12 = b2.fma(a, c12); c13 = b3.fma(a, c13);
            a = FloatVector.broadcast(S, x[r2 + o]);
            c20 = b0.fma(a, c20); c21 = b1.fma(a, c21); c22 = b2.fma(a, c22); c23 = b3.fma(a, c23);
            a = FloatVector.broadcast(S, x[r3 + o]);
            c30 = b0.fma(a, c30); c31 = b1.fma(a, c31); c32 = b2.fma(a, c32); c33 = b3.fma(a, c33);
            a = FloatVector.broadcast(S, x[r4 + o]);
            c40 = b0.fma(a, c40); c41 = b1.fma(a, c41); c42 = b2.fma(a, c42); c43 = b3.fma(a, c43);
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

}
