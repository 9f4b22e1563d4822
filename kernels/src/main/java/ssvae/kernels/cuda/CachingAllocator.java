package ssvae.kernels.cuda;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * A caching device allocator (the idea of PyTorch's CUDACachingAllocator, without block splitting): freed blocks go
 * to size-keyed free lists and are handed out again to requests they fit (best fit, at most twice the rounded
 * request), so steady-state training loops stop calling cuMemAlloc/cuMemFree. Sizes are rounded up to 512 bytes
 * below 1 MiB and to 2 MiB above. When the device is full the cache is emptied and the request retried once.
 * Blocks come back deterministically through Storage reference counts (MemoryScope) or, as a safety net, a Cleaner.
 * All work is on one stream, so a block reused right after release is ordered after its last use. Thread-safe.
 */
public final class CachingAllocator {
    public static final long SMALL_ROUND = 512, LARGE_LIMIT = 1L << 20, LARGE_ROUND = 2L << 20;

    /** A live allocation: address and (rounded) size in bytes. */
    public record Block(long address, long size) {}

    /** Counters: bytes in use, bytes held from the device (in use + cached), their peaks, and call counts. */
    public record Stats(long allocatedBytes, long reservedBytes, long peakAllocatedBytes, long peakReservedBytes,
                        long deviceMallocs, long deviceFrees, long cacheHits, int cachedBlocks) {
        public String describe() {
            return String.format("device memory: %s in use, %s reserved, peak %s in use / %s reserved (%d mallocs, %d cache hits)",
                    mib(allocatedBytes), mib(reservedBytes), mib(peakAllocatedBytes), mib(peakReservedBytes), deviceMallocs, cacheHits);
        }

        private static String mib(long b) { return String.format("%.1f MiB", b / 1048576.0); }
    }

    private final DeviceMemory memory;
    private final TreeMap<Long, ArrayDeque<Long>> free = new TreeMap<>();
    private long allocated, reserved, peakAllocated, peakReserved, mallocs, frees, hits;
    private int cached;

    public CachingAllocator(DeviceMemory memory) { this.memory = memory; }

    /** The size a request of n bytes occupies. */
    public static long roundSize(long n) {
        if (n < 0) throw new IllegalArgumentException("allocation size must be >= 0, got " + n);
        if (n == 0) return SMALL_ROUND;
        long r = n <= LARGE_LIMIT ? SMALL_ROUND : LARGE_ROUND;
        return Math.ceilDiv(n, r) * r;
    }

    public synchronized Block allocate(long bytes) {
        long size = roundSize(bytes);
        Map.Entry<Long, ArrayDeque<Long>> e = free.ceilingEntry(size);
        if (e != null && e.getKey() <= 2 * size) {
            long addr = e.getValue().pop();
            if (e.getValue().isEmpty()) free.remove(e.getKey());
            cached--;
            hits++;
            return track(new Block(addr, e.getKey()));
        }
        long addr;
        try {
            addr = memory.malloc(size);
        } catch (DeviceMemory.OutOfDeviceMemoryException oom) {
            emptyCache();
            try {
                addr = memory.malloc(size);
            } catch (DeviceMemory.OutOfDeviceMemoryException again) {
                throw new IllegalStateException("CUDA out of memory: tried to allocate " + size + " bytes with "
                        + allocated + " bytes in use (" + again.getMessage() + ")");
            }
        }
        mallocs++;
        reserved += size;
        peakReserved = Math.max(peakReserved, reserved);
        return track(new Block(addr, size));
    }

    private Block track(Block b) {
        allocated += b.size();
        peakAllocated = Math.max(peakAllocated, allocated);
        return b;
    }

    /** Returns a block to the cache (no device call). */
    public synchronized void release(Block b) {
        allocated -= b.size();
        if (allocated < 0) throw new IllegalStateException("allocator released more than it handed out");
        free.computeIfAbsent(b.size(), k -> new ArrayDeque<>()).push(b.address());
        cached++;
    }

    /** Gives every cached block back to the device (torch.cuda.empty_cache). */
    public synchronized void emptyCache() {
        for (Map.Entry<Long, ArrayDeque<Long>> e : free.entrySet()) {
            for (long addr : e.getValue()) {
                memory.free(addr);
                frees++;
                reserved -= e.getKey();
            }
        }
        free.clear();
        cached = 0;
    }

    /** Restarts peak tracking from the current levels (torch.cuda.reset_peak_memory_stats). */
    public synchronized void resetPeak() { peakAllocated = allocated; peakReserved = reserved; }

    public synchronized Stats stats() {
        return new Stats(allocated, reserved, peakAllocated, peakReserved, mallocs, frees, hits, cached);
    }
}
