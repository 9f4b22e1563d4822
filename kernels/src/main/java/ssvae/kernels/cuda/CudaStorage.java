package ssvae.kernels.cuda;

import java.lang.ref.Cleaner;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Storage;

/**
 * Device storage: one block of the {@link CachingAllocator}. The block goes back to the allocator when the last
 * reference is released (MemoryScope, Storage.release) or, failing that, when the storage becomes unreachable.
 */
public final class CudaStorage extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CachingAllocator.Block block;
    private final Cleaner.Cleanable cleanable;

    CudaStorage(DType dtype, int numel, Device device, CachingAllocator allocator, CachingAllocator.Block block) {
        super(dtype, numel, device);
        this.block = block;
        this.cleanable = CLEANER.register(this, new Release(allocator, block));
    }

    /** Device address of element 0. */
    public long address() { return block.address(); }

    /** Device address of element i. */
    public long address(long i) { return block.address() + i * dtype().bytes; }

    @Override protected void free() { cleanable.clean(); }

    private record Release(CachingAllocator allocator, CachingAllocator.Block block) implements Runnable {
        @Override public void run() { allocator.release(block); }
    }
}
