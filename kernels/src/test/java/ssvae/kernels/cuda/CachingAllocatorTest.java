package ssvae.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.MemoryScope;

/** Allocator bookkeeping on a fake device: rounding, caching and reuse, peaks, empty cache, OOM retry, release via MemoryScope. */
class CachingAllocatorTest {
    private static final long MIB = 1L << 20;

    @Test void roundsSmallTo512AndLargeTo2MiB() {
        assertEquals(512, CachingAllocator.roundSize(0));
        assertEquals(512, CachingAllocator.roundSize(1));
        assertEquals(512, CachingAllocator.roundSize(512));
        assertEquals(1024, CachingAllocator.roundSize(513));
        assertEquals(MIB, CachingAllocator.roundSize(MIB));
        assertEquals(2 * MIB, CachingAllocator.roundSize(MIB + 1));
        assertEquals(4 * MIB, CachingAllocator.roundSize(2 * MIB + 1));
        assertThrows(IllegalArgumentException.class, () -> CachingAllocator.roundSize(-1));
    }

    @Test void releasedBlocksAreReusedWithoutDeviceCalls() {
        FakeDeviceMemory mem = new FakeDeviceMemory(64 * MIB);
        CachingAllocator al = new CachingAllocator(mem);
        CachingAllocator.Block a = al.allocate(1000);
        assertEquals(1024, a.size());
        al.release(a);
        CachingAllocator.Block b = al.allocate(900);  // rounds to 1024: same block
        assertEquals(a.address(), b.address());
        assertEquals(1, mem.mallocs);
        CachingAllocator.Stats s = al.stats();
        assertEquals(1, s.cacheHits());
        assertEquals(1024, s.allocatedBytes());
        assertEquals(1024, s.reservedBytes());
    }

    @Test void cachedBlockMoreThanTwiceTheRequestIsNotUsed() {
        FakeDeviceMemory mem = new FakeDeviceMemory(64 * MIB);
        CachingAllocator al = new CachingAllocator(mem);
        CachingAllocator.Block big = al.allocate(8 * MIB);
        al.release(big);
        CachingAllocator.Block small = al.allocate(1000);
        assertNotEquals(big.address(), small.address());
        assertEquals(2, mem.mallocs);
        CachingAllocator.Block mid = al.allocate(5 * MIB);  // 6 MiB rounded; 8 MiB <= 12 MiB: reused
        assertEquals(big.address(), mid.address());
        assertEquals(8 * MIB, mid.size());
    }

    @Test void peaksTrackHighWaterMarksAndReset() {
        CachingAllocator al = new CachingAllocator(new FakeDeviceMemory(64 * MIB));
        CachingAllocator.Block a = al.allocate(4 * MIB), b = al.allocate(2 * MIB);
        al.release(a);
        al.release(b);
        CachingAllocator.Stats s = al.stats();
        assertEquals(0, s.allocatedBytes());
        assertEquals(6 * MIB, s.reservedBytes());
        assertEquals(6 * MIB, s.peakAllocatedBytes());
        assertEquals(6 * MIB, s.peakReservedBytes());
        assertEquals(2, s.cachedBlocks());
        al.resetPeak();
        al.allocate(512);  // the cached 2 and 4 MiB blocks are too big for it: a new 512-byte block
        assertEquals(512, al.stats().peakAllocatedBytes());
        assertTrue(s.describe().contains("peak 6.0 MiB in use"), s.describe());
    }

    @Test void emptyCacheReturnsCachedBlocksToTheDevice() {
        FakeDeviceMemory mem = new FakeDeviceMemory(64 * MIB);
        CachingAllocator al = new CachingAllocator(mem);
        CachingAllocator.Block a = al.allocate(3 * MIB);
        CachingAllocator.Block keep = al.allocate(1000);
        al.release(a);
        al.emptyCache();
        assertEquals(1, mem.frees);
        assertEquals(1, mem.live.size());
        assertEquals(keep.size(), al.stats().reservedBytes());
        assertEquals(0, al.stats().cachedBlocks());
    }

    @Test void outOfMemoryEmptiesTheCacheAndRetries() {
        FakeDeviceMemory mem = new FakeDeviceMemory(10 * MIB);
        CachingAllocator al = new CachingAllocator(mem);
        CachingAllocator.Block a = al.allocate(6 * MIB);
        al.release(a);  // cached, still held from the device
        CachingAllocator.Block b = al.allocate(8 * MIB);  // 6 MiB block too small; device full until the cache is emptied
        assertEquals(8 * MIB, b.size());
        assertEquals(1, mem.frees);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> al.allocate(4 * MIB));
        assertTrue(e.getMessage().startsWith("CUDA out of memory"), e.getMessage());
    }

    @Test void doubleReleaseIsCaught() {
        CachingAllocator al = new CachingAllocator(new FakeDeviceMemory(MIB));
        CachingAllocator.Block a = al.allocate(100);
        al.release(a);
        assertThrows(IllegalStateException.class, () -> al.release(a));
    }

    @Test void memoryScopeReleasesStoragesDeterministically() {
        FakeDeviceMemory mem = new FakeDeviceMemory(64 * MIB);
        CachingAllocator al = new CachingAllocator(mem);
        CudaStorage kept;
        try (MemoryScope outer = MemoryScope.open()) {
            try (MemoryScope inner = MemoryScope.open()) {
                CudaStorage s1 = storage(al, 1000), s2 = storage(al, 3000);
                kept = storage(al, 500);
                assertEquals(3, inner.size());
                inner.keep(new ssvae.tensor.Tensor(kept, new int[] {500}, new int[] {1}, 0));
                assertEquals(2, inner.size());
                assertEquals(4096 + 12288 + 2048, al.stats().allocatedBytes());
                assertTrue(!s1.isReleased() && !s2.isReleased());
            }
            assertEquals(2048, al.stats().allocatedBytes());
            assertEquals(2, al.stats().cachedBlocks());
            assertTrue(!kept.isReleased());
        }
        assertTrue(kept.isReleased());
        assertEquals(0, al.stats().allocatedBytes());
        assertEquals(0, mem.frees);  // everything cached, nothing given back to the device
    }

    private static CudaStorage storage(CachingAllocator al, int numel) {
        CudaStorage s = new CudaStorage(DType.F32, numel, Device.cuda(0), al, al.allocate(4L * numel));
        MemoryScope.track(s);
        return s;
    }
}
