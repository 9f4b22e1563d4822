package ssvae.tensor;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A flat buffer of elements of one dtype on one device, shared by all views of it.
 * Reference counted: {@link MemoryScope}s release what they created; device backends
 * return the memory to their caching allocator when the count reaches zero.
 */
public abstract class Storage {
    private final DType dtype;
    private final int numel;
    private final Device device;
    private final AtomicInteger refs = new AtomicInteger(1);
    /** Bumped by in-place writes; autograd checks it to catch modified saved tensors. */
    public int version;

    protected Storage(DType dtype, int numel, Device device) {
        this.dtype = dtype; this.numel = numel; this.device = device;
    }

    public final DType dtype() { return dtype; }
    public final int numel() { return numel; }
    public final Device device() { return device; }
    public final long bytes() { return (long) numel * dtype.bytes; }

    public final void retain() {
        if (refs.getAndIncrement() <= 0) throw new IllegalStateException("storage used after release");
    }

    /** Drops one reference; frees the memory when none is left. */
    public final void release() {
        int left = refs.decrementAndGet();
        if (left == 0) free();
        else if (left < 0) throw new IllegalStateException("storage released twice");
    }

    public final boolean isReleased() { return refs.get() <= 0; }

    /** Gives the memory back (device allocator); CPU storages leave it to the GC. */
    protected abstract void free();
}
