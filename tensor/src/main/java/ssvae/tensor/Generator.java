package ssvae.tensor;

/**
 * A seeded random stream in the style of PyTorch's Philox generators: a (seed, offset) pair; each random fill
 * consumes a block of counters so results do not depend on threading and are identical on every backend.
 */
public final class Generator {
    private static final Generator GLOBAL = new Generator(0x5eed5eedL);

    private long seed;
    private long offset;

    public Generator(long seed) { this.seed = seed; }

    public static Generator global() { return GLOBAL; }

    /** torch.manual_seed: reseeds the global generator. */
    public static void manualSeed(long seed) { GLOBAL.setSeed(seed); }

    public synchronized void setSeed(long seed) { this.seed = seed; this.offset = 0; }
    public synchronized long seed() { return seed; }
    public synchronized long offset() { return offset; }
    public synchronized void setState(long seed, long offset) { this.seed = seed; this.offset = offset; }

    /** Reserves n counters (4 values each) and returns the first counter. */
    public synchronized long reserve(long n) {
        long o = offset;
        offset += (n + 3) / 4;
        return o;
    }

    /** A 64-bit random integer (for host-side choices such as mask ratios, shuffles). */
    public long nextLong() {
        long c = reserve(4);
        int[] r = Philox.block(seed, c);
        return ((long) r[0] << 32) | (r[1] & 0xffffffffL);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() { return (nextLong() >>> 11) * 0x1.0p-53; }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) { return (int) Math.floorMod(nextLong(), (long) bound); }
}
