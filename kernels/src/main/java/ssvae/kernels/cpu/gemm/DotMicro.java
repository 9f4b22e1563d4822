package ssvae.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;

import static ssvae.kernels.cpu.gemm.SgemmMicro.S;
import static ssvae.kernels.cpu.gemm.SgemmMicro.V;

/**
 * A 4 x 5 tile of dot products whose depth is contiguous in both operands, kept as vector partial sums
 * (lane-wise; reduced across lanes by the caller at the end): for q in [q0, q1) step V,
 * acc[i][j] += g[gi + q .. +V) * x[xj + pos[q] .. +V). Used for conv weight gradients with few taps and channels,
 * where dOut rows and input rows both run along the output positions.
 */
public final class DotMicro {
    private DotMicro() {}

    /** acc vector (i, j) lives at acc[aOff + (i * ldi + j) * V]. */
    public static void tile(float[] g, int g0, int g1, int g2, int g3, float[] x, int x0, int x1, int x2, int x3, int x4,
                            int[] pos, int q0, int q1, float[] acc, int aOff, int ldi) {
        int r0 = aOff, r1 = aOff + ldi * V, r2 = aOff + 2 * ldi * V, r3 = aOff + 3 * ldi * V;
        FloatVector c00 = FloatVector.fromArray(S, acc, r0), c01 = FloatVector.fromArray(S, acc, r0 + V),
                c02 = FloatVector.fromArray(S, acc, r0 + 2 * V), c03 = FloatVector.fromArray(S, acc, r0 + 3 * V),
                c04 = FloatVector.fromArray(S, acc, r0 + 4 * V);
        FloatVector c10 = FloatVector.fromArray(S, acc, r1), c11 = FloatVector.fromArray(S, acc, r1 + V),
                c12 = FloatVector.fromArray(S, acc, r1 + 2 * V), c13 = FloatVector.fromArray(S, acc, r1 + 3 * V),
                c14 = FloatVector.fromArray(S, acc, r1 + 4 * V);
        FloatVector c20 = FloatVector.fromArray(S, acc, r2), c21 = FloatVector.fromArray(S, acc, r2 + V),
                c22 = FloatVector.fromArray(S, acc, r2 + 2 * V), c23 = FloatVector.fromArray(S, acc, r2 + 3 * V),
                c24 = FloatVector.fromArray(S, acc, r2 + 4 * V);
        FloatVector c30 = FloatVector.fromArray(S, acc, r3), c31 = FloatVector.fromArray(S, acc, r3 + V),
                c32 = FloatVector.fromArray(S, acc, r3 + 2 * V), c33 = FloatVector.fromArray(S, acc, r3 + 3 * V),
                c34 = FloatVector.fromArray(S, acc, r3 + 4 * V);
        for (int q = q0; q < q1; q += V) {
            int p = pos[q];
            FloatVector y0 = FloatVector.fromArray(S, x, x0 + p), y1 = FloatVector.fromArray(S, x, x1 + p),
                    y2 = FloatVector.fromArray(S, x, x2 + p), y3 = FloatVector.fromArray(S, x, x3 + p),
                    y4 = FloatVector.fromArray(S, x, x4 + p);
            FloatVector a = FloatVector.fromArray(S, g, g0 + q);
            c00 = a.fma(y0, c00); c01 = a.fma(y1, c01); c02 = a.fma(y2, c02); c03 = a.fma(y3, c03); c04 = a.fma(y4, c04);
            a = FloatVector.fromArray(S, g, g1 + q);
            c10 = a.fma(y0, c10); c11 = a.fma(y1, c11); c12 = a.fma(y2, c12); c13 = a.fma(y3, c13); c14 = a.fma(y4, c14);
            a = FloatVector.fromArray(S, g, g2 + q);
            c20 = a.fma(y0, c20); c21 = a.fma(y1, c21); c22 = a.fma(y2, c22); c23 = a.fma(y3, c23); c24 = a.fma(y4, c24);
            a = FloatVector.fromArray(S, g, g3 + q);
            c30 = a.fma(y0, c30); c31 = a.fma(y1, c31); c32 = a.fma(y2, c32); c33 = a.fma(y3, c33); c34 = a.fma(y4, c34);
        }
        c00.intoArray(acc, r0); c01.intoArray(acc, r0 + V); c02.intoArray(acc, r0 + 2 * V); c03.intoArray(acc, r0 + 3 * V); c04.intoArray(acc, r0 + 4 * V);
        c10.intoArray(acc, r1); c11.intoArray(acc, r1 + V); c12.intoArray(acc, r1 + 2 * V); c13.intoArray(acc, r1 + 3 * V); c14.intoArray(acc, r1 + 4 * V);
        c20.intoArray(acc, r2); c21.intoArray(acc, r2 + V); c22.intoArray(acc, r2 + 2 * V); c23.intoArray(acc, r2 + 3 * V); c24.intoArray(acc, r2 + 4 * V);
        c30.intoArray(acc, r3); c31.intoArray(acc, r3 + V); c32.intoArray(acc, r3 + 2 * V); c33.intoArray(acc, r3 + 3 * V); c34.intoArray(acc, r3 + 4 * V);
    }
}
