package ssvae.kernels.cpu.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import ssvae.kernels.cpu.gemm.SgemmMicro;

/** Cache-blocked 2-D transposes between the GEMM layouts and NCDHW. */
final class Transpose {
    private Transpose() {}

    /**
     * Same as {@link #blocked}; groups of V source rows are moved with one vector gather per destination row
     * (dst rows are the V-wide column groups of consecutive sources), the remaining rows by {@link #blocked}.
     */
    static void toSliver(float[] src, int srcOff, int srcLd, int rows, int cols, float[] dst, int dstOff, int dstLd) {
        VectorSpecies<Float> sp = SgemmMicro.S;
        int v = sp.length(), full = rows / v * v;
        if (full > 0 && (long) srcLd * (v - 1) + srcOff + cols <= src.length) {
            int[] idx = new int[v];
            for (int i = 0; i < v; i++) idx[i] = i * srcLd;
            for (int i0 = 0; i0 < full; i0 += v) {
                int s = srcOff + i0 * srcLd, d = dstOff + i0;
                for (int j = 0; j < cols; j++, d += dstLd) FloatVector.fromArray(sp, src, s + j, idx, 0).intoArray(dst, d);
            }
        } else {
            full = 0;
        }
        if (full < rows) blocked(src, srcOff + full * srcLd, srcLd, rows - full, cols, dst, dstOff + full, dstLd);
    }

    static final int B = 32;

    /** dst[dstOff + j * dstLd + i] = src[srcOff + i * srcLd + j] for i < rows, j < cols. */
    static void blocked(float[] src, int srcOff, int srcLd, int rows, int cols, float[] dst, int dstOff, int dstLd) {
        for (int i0 = 0; i0 < rows; i0 += B) {
            int i1 = Math.min(rows, i0 + B);
            for (int j0 = 0; j0 < cols; j0 += B) {
                int j1 = Math.min(cols, j0 + B);
                for (int i = i0; i < i1; i++) {
                    int s = srcOff + i * srcLd, d = dstOff + i;
                    for (int j = j0; j < j1; j++) dst[d + j * dstLd] = src[s + j];
                }
            }
        }
    }

    /**
     * dst[dstOff + j * dstLd + i] = src[srcOff + i * srcLd + j] for i < rows, j < cols, as {@link #blocked}, reading
     * V rows at a time with one vector gather and writing V contiguous floats: for a source block hot in cache and
     * destination rows far apart (whose blocked scalar writes thrash L1 sets).
     */
    static void columnsToRows(float[] src, int srcOff, int srcLd, int rows, int cols, float[] dst, int dstOff, int dstLd) {
        VectorSpecies<Float> sp = SgemmMicro.S;
        int v = sp.length(), full = rows / v * v;
        int[] idx = new int[v];
        for (int i = 0; i < v; i++) idx[i] = i * srcLd;
        for (int j = 0; j < cols; j++) {
            int d = dstOff + j * dstLd, i = 0;
            for (; i < full; i += v) FloatVector.fromArray(sp, src, srcOff + i * srcLd + j, idx, 0).intoArray(dst, d + i);
            for (; i < rows; i++) dst[d + i] = src[srcOff + i * srcLd + j];
        }
    }
}
