package ssvae.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked SGEMM micro-kernel: a MR x NR tile of C (MR = 5 rows, NR = 4 vectors) held in 20
 * vector accumulators over the packed slivers, C_tile (+)= A_sliver[kc x MR]^T * B_sliver[kc x NR].
 * (GotoBLAS / BLIS structure; 5 x 64 with 512-bit vectors.)
 */
public final class SgemmMicro {
    private SgemmMicro() {}

    public static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    public static final int V = S.length();
    public static final int MR = 5, NR = 4 * V;

    /**
     * Full tile: c[cOff + r * ldc + j] (+)= sum_k pa[aOff + k * MR + r] * pb[bOff + k * NR + j], r < MR, j < NR.
     */
    public static void tile(int kc, float[] pa, int aOff, float[] pb, int bOff, float[] c, int cOff, int ldc, boolean acc) {
        tile(kc, pa, aOff, pb, bOff, NR, c, cOff, ldc, acc);
    }

    /** As above with B rows ldb apart: pb[bOff + k * ldb + j]. */
    public static void tile(int kc, float[] pa, int aOff, float[] pb, int bOff, int ldb, float[] c, int cOff, int ldc, boolean acc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
        int a = aOff, b = bOff;
        for (int k = 0; k < kc; k++, a += MR, b += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, pb, b);
            FloatVector b1 = FloatVector.fromArray(S, pb, b + V);
            FloatVector b2 = FloatVector.fromArray(S, pb, b + 2 * V);
            FloatVector b3 = FloatVector.fromArray(S, pb, b + 3 * V);
            FloatVector x = FloatVector.broadcast(S, pa[a]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01); c02 = b2.fma(x, c02); c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, pa[a + 1]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11); c12 = b2.fma(x, c12); c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, pa[a + 2]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21); c22 = b2.fma(x, c22); c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, pa[a + 3]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31); c32 = b2.fma(x, c32); c33 = b3.fma(x, c33);
            x = FloatVector.broadcast(S, pa[a + 4]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41); c42 = b2.fma(x, c42); c43 = b3.fma(x, c43);
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

    /** A given as MR separate rows lda apart: C_tile (+)= sum_k pa[aOff + r * lda + k] * pb[bOff + k * ldb + j]. */
    public static void tileRows(int kc, float[] pa, int aOff, int lda, float[] pb, int bOff, int ldb, float[] c, int cOff, int ldc, boolean acc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
        int a0 = aOff, a1 = aOff + lda, a2 = aOff + 2 * lda, a3 = aOff + 3 * lda, a4 = aOff + 4 * lda, b = bOff;
        for (int k = 0; k < kc; k++, b += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, pb, b);
            FloatVector b1 = FloatVector.fromArray(S, pb, b + V);
            FloatVector b2 = FloatVector.fromArray(S, pb, b + 2 * V);
            FloatVector b3 = FloatVector.fromArray(S, pb, b + 3 * V);
            FloatVector x = FloatVector.broadcast(S, pa[a0 + k]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01); c02 = b2.fma(x, c02); c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, pa[a1 + k]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11); c12 = b2.fma(x, c12); c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, pa[a2 + k]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21); c22 = b2.fma(x, c22); c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, pa[a3 + k]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31); c32 = b2.fma(x, c32); c33 = b3.fma(x, c33);
            x = FloatVector.broadcast(S, pa[a4 + k]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41); c42 = b2.fma(x, c42); c43 = b3.fma(x, c43);
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

    /** Partial tile (mr <= MR rows, nr <= NR columns valid): computed into scratch, then the valid part is stored. */
    public static void edge(int kc, float[] pa, int aOff, float[] pb, int bOff, float[] c, int cOff, int ldc, boolean acc,
                            int mr, int nr, float[] scratch) {
        tile(kc, pa, aOff, pb, bOff, scratch, 0, NR, false);
        for (int r = 0; r < mr; r++) {
            int o = cOff + r * ldc, s = r * NR;
            if (acc) for (int j = 0; j < nr; j++) c[o + j] += scratch[s + j];
            else System.arraycopy(scratch, s, c, o, nr);
        }
    }
}
