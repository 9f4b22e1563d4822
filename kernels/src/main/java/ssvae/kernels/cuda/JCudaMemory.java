package ssvae.kernels.cuda;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import jcuda.CudaException;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/** {@link DeviceMemory} over cuMemAlloc / cuMemFree; keeps the JCuda pointer objects for memcpy and free. */
final class JCudaMemory implements DeviceMemory {
    private final ConcurrentHashMap<Long, DevPtr> live = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, Long> extents = new ConcurrentSkipListMap<>();  // base -> bytes
    private final CudaRuntime rt;

    JCudaMemory(CudaRuntime rt) { this.rt = rt; }

    @Override public long malloc(long bytes) {
        rt.makeCurrent();
        DevPtr p = new DevPtr();
        try {
            JCudaDriver.cuMemAlloc(p, bytes);
        } catch (CudaException e) {
            if (e.getMessage() != null && e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY)))
                throw new OutOfDeviceMemoryException(e.getMessage());
            throw e;
        }
        long a = p.address();
        live.put(a, p);
        extents.put(a, bytes);
        return a;
    }

    @Override public void free(long address) {
        DevPtr p = live.remove(address);
        if (p == null) throw new IllegalStateException("freeing unknown device address 0x" + Long.toHexString(address));
        extents.remove(address);
        rt.makeCurrent();
        JCudaDriver.cuMemFree(p);
    }

    /** Base address of the live allocation containing address. */
    long baseOf(long address) {
        Map.Entry<Long, Long> e = extents.floorEntry(address);
        if (e == null || address >= e.getKey() + e.getValue())
            throw new IllegalStateException("device address 0x" + Long.toHexString(address) + " is not inside a live allocation");
        return e.getKey();
    }

    /** The JCuda pointer of a live allocation. */
    DevPtr pointer(long address) {
        DevPtr p = live.get(address);
        if (p == null) throw new IllegalStateException("unknown device address 0x" + Long.toHexString(address));
        return p;
    }
}
