package ssvae.kernels.cuda;

/**
 * Raw device memory, the layer under {@link CachingAllocator}: the JCuda implementation calls cuMemAlloc/cuMemFree,
 * tests use an in-process fake. Addresses are opaque non-zero longs.
 */
public interface DeviceMemory {
    /** Allocates bytes (> 0) of device memory; throws {@link OutOfDeviceMemoryException} when the device is full. */
    long malloc(long bytes);

    /** Frees an address returned by {@link #malloc}. */
    void free(long address);

    /** Thrown by {@link #malloc} when the device has no room; the allocator then empties its cache and retries once. */
    final class OutOfDeviceMemoryException extends RuntimeException {
        public OutOfDeviceMemoryException(String message) { super(message); }
    }
}
