package ssvae.kernels.cuda;

/**
 * Launch-shape arithmetic for the kernels in src-cu (pure functions, tested on CPU). Grid-stride kernels take a
 * grid capped at {@link #MAX_BLOCKS}; tile kernels take one block per 64x64 tile and gridDim.z for batch/groups.
 */
public final class LaunchConfig {
    public static final int THREADS = 256, MAX_BLOCKS = 65535, GEMM_TILE = 64, SIMT_THREADS = 256, WMMA_THREADS = 128;

    private LaunchConfig() {}

    /** Blocks for a grid-stride loop over n items with the given threads per block (0 items -> 0 blocks: skip). */
    public static int blocks(long n, int threads) {
        if (n < 0 || threads <= 0) throw new IllegalArgumentException("bad launch: n=" + n + ", threads=" + threads);
        return (int) Math.min(MAX_BLOCKS, Math.ceilDiv(n, threads));
    }

    public static int blocks(long n) { return blocks(n, THREADS); }

    /** Threads per block of reduce_dims: the next power of two >= the reduced length, in [32, 1024]. */
    public static int reduceThreads(long nRed) {
        int t = 32;
        while (t < nRed && t < 1024) t <<= 1;
        return t;
    }

    /** Grid of a 64x64-tiled GEMM with M rows, N columns and z batches: {x = N tiles, y = M tiles, z}. */
    public static int[] gemmGrid(int m, int n, int z) {
        if (m < 0 || n < 0 || z < 0) throw new IllegalArgumentException("bad GEMM shape " + m + "x" + n + " x" + z);
        int gx = Math.ceilDiv(n, GEMM_TILE), gy = Math.ceilDiv(m, GEMM_TILE);
        if (gy > MAX_BLOCKS || z > MAX_BLOCKS) throw new IllegalArgumentException("GEMM too large for one launch: " + m + "x" + n + " x" + z);
        return new int[] {gx, gy, z};
    }
}
