package ssvae.kernels.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * Deterministic lane sums. {@code FloatVector.reduceLanes(ADD)} may add the lanes in one order when the JIT
 * compiles it and in another in the interpreter, so the same input could give results differing in the last bits
 * before and after warm-up (a group norm of a sliced convolution then no longer matched the whole one bit for
 * bit). Here the lanes are always added as the same pairwise tree.
 */
public final class Lanes {
    private Lanes() {}

    private static final ThreadLocal<float[]> BUF = ThreadLocal.withInitial(() -> new float[FloatVector.SPECIES_PREFERRED.length()]);

    /** The sum of v's lanes, as a fixed pairwise tree. */
    public static float sum(FloatVector v) {
        float[] a = BUF.get();
        v.intoArray(a, 0);
        for (int w = a.length; w > 1; w >>= 1) {
            int h = w >> 1;
            for (int i = 0; i < h; i++) a[i] = a[2 * i] + a[2 * i + 1];
        }
        return a[0];
    }
}
