package ssvae.kernels.cpu.conv;

/** Cache-blocked 2-D transposes between the GEMM layouts and NCDHW. */
final class Transpose {
    private Transpose() {}

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
}
