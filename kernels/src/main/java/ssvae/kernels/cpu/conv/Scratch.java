package ssvae.kernels.cpu.conv;

import java.lang.ref.SoftReference;

/**
 * Per-thread reusable float buffers for the conv kernels' large temporaries (padded volumes, packed weights, the
 * transposed output gradient, the weight-gradient accumulator). A fresh array of tens of MB costs zeroing and, on
 * a heap that hands out untouched memory, a page fault per 4 KiB on first touch, on every call of a training step;
 * a reused one costs neither. Buffers are softly referenced, so the collector can take them back under memory
 * pressure. Contents are undefined: callers write every element they read. A slot must not be taken twice at once
 * on one thread (each kernel takes distinct slots on its calling thread, none inside parallel tasks).
 */
final class Scratch {
    private Scratch() {}

    enum Slot { SOURCE, WEIGHTS, TRANSPOSED, ACCUMULATOR }

    @SuppressWarnings("unchecked")
    private static final ThreadLocal<SoftReference<float[]>[]> BUFFERS =
            ThreadLocal.withInitial(() -> new SoftReference[Slot.values().length]);

    /** A buffer of at least size floats for the slot, reused when the thread's last one is large enough. */
    static float[] floats(Slot slot, int size) {
        SoftReference<float[]>[] refs = BUFFERS.get();
        SoftReference<float[]> ref = refs[slot.ordinal()];
        float[] a = ref == null ? null : ref.get();
        if (a == null || a.length < size) {
            a = new float[size];
            refs[slot.ordinal()] = new SoftReference<>(a);
        }
        return a;
    }
}
