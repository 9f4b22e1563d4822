package ssvae.kernels.cuda;

import java.util.HashMap;
import java.util.Map;

/** In-process device memory for allocator tests: hands out fake addresses, enforces a capacity, counts calls. */
final class FakeDeviceMemory implements DeviceMemory {
    final long capacity;
    final Map<Long, Long> live = new HashMap<>();
    long used, next = 0x1000, mallocs, frees;

    FakeDeviceMemory(long capacity) { this.capacity = capacity; }

    @Override public long malloc(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("malloc of " + bytes);
        if (used + bytes > capacity) throw new OutOfDeviceMemoryException("fake device full: " + used + " + " + bytes + " > " + capacity);
        long a = next;
        next += bytes + 256;
        live.put(a, bytes);
        used += bytes;
        mallocs++;
        return a;
    }

    @Override public void free(long address) {
        Long b = live.remove(address);
        if (b == null) throw new IllegalStateException("double or foreign free 0x" + Long.toHexString(address));
        used -= b;
        frees++;
    }
}
