package ssvae.tensor;

/**
 * Philox4x32-10 counter-based generator (Salmon et al., 2011), as used by PyTorch's CUDA RNG.
 * Element i of a fill with (seed, offset) comes from counter (offset + i/4), lane i%4, so every
 * backend produces the same numbers for the same seed regardless of threads or launch shapes.
 */
public final class Philox {
    private Philox() {}

    private static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /** Four 32-bit outputs for counter c under key seed. */
    public static int[] block(long seed, long c) {
        int[] out = new int[4];
        block(seed, c, out);
        return out;
    }

    public static void block(long seed, long c, int[] out) {
        int c0 = (int) c, c1 = (int) (c >>> 32), c2 = 0, c3 = 0;
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int r = 0; r < 10; r++) {
            long p0 = (M0 & 0xffffffffL) * (c0 & 0xffffffffL);
            long p1 = (M1 & 0xffffffffL) * (c2 & 0xffffffffL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            k0 += W0; k1 += W1;
        }
        out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
    }

    /** Uniform float in [0,1) from 32 random bits (24-bit mantissa, like curand_uniform's spacing). */
    public static float uniform(int bits) { return (bits >>> 8) * 0x1.0p-24f; }

    /** Uniform double in (0,1] for Box-Muller. */
    public static double uniformOpen(int bits) { return ((bits & 0xffffffffL) + 1.0) * 0x1.0p-32; }
}
