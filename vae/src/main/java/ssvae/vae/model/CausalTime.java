package ssvae.vae.model;

import ssvae.tensor.PadMode;
import ssvae.tensor.Tensor;

import java.util.List;

/**
 * The causal sliding window along time shared by causal convolutions and the DCAE channel-average shortcut:
 * the padded stream is [front padding, frame 0, frame 1, ...]; output j reads padded frames
 * j*stride .. j*stride+extent-1. The first chunk is padded in front ('first' repeats frame 0, 'constant' adds
 * zeros); later chunks are prefixed with the unread tail of the previous one.
 */
final class CausalTime {
    private CausalTime() {}

    /** The unread padded frames of the previous chunk (null: none). */
    private record Tail(Tensor frames) {}

    /**
     * The frames a chunk consumes: {@code zeroFront} leading zero frames that are not materialised (a convolution
     * adds them as its own time padding) followed by {@code frames}.
     */
    record Window(Tensor frames, int zeroFront) {}

    /**
     * Returns the padded frames this chunk consumes (exactly (n-1)*stride + extent frames for n outputs) and
     * stores the unconsumed tail in s for the next chunk.
     */
    static Tensor window(CausalStream s, Object owner, Tensor x, int front, PadMode mode, int extent, int stride) {
        return window(s, owner, x, front, mode, extent, stride, false, false).frames();
    }

    /**
     * As {@link #window(CausalStream, Object, Tensor, int, PadMode, int, int)}; lazyZeros lets 'constant' front padding
     * stay virtual (Window.zeroFront) when the tail to keep does not reach into it, and prepadded says that x of
     * the first chunk already carries its front padding.
     */
    static Window window(CausalStream s, Object owner, Tensor x, int front, PadMode mode, int extent, int stride,
                         boolean lazyZeros, boolean prepadded) {
        Tail tail = s.get(owner);
        Tensor padded;
        int zeros = 0;
        if (tail == null) {
            if (!s.first()) throw new IllegalStateException("causal cache lost between chunks");
            if (front == 0 || prepadded) padded = x;
            else if (mode == PadMode.FIRST) padded = Tensor.cat(List.of(x.narrow(2, 0, 1).expand(withTime(x, front)), x), 2);
            else if (lazyZeros && canStayVirtual(s, x.size(2) + front, front, extent, stride)) { padded = x; zeros = front; }
            else padded = x.pad(new int[] {0, 0, 0, 0, front, 0}, PadMode.CONSTANT, 0);
        } else {
            padded = tail.frames() == null ? x : Tensor.cat(List.of(tail.frames(), x), 2);
        }
        int len = padded.size(2) + zeros;
        if (len < extent) throw new IllegalArgumentException("temporal chunk too short: " + len + " padded frames, the layer needs " + extent
                + " (split video into a first chunk of 1+4k frames and later chunks of 4k frames)");
        int n = (len - extent) / stride + 1;
        int consumed = n * stride;
        if (s.keepsState()) s.put(owner, new Tail(consumed < len ? padded.narrow(2, consumed - zeros, len - consumed).contiguous() : null));
        return new Window(padded.narrow(2, 0, (n - 1) * stride + extent - zeros), zeros);
    }

    /** Virtual zeros are fine unless a chunked stream must keep some of them as the tail. */
    private static boolean canStayVirtual(CausalStream s, int len, int front, int extent, int stride) {
        if (len < extent) return false;
        int consumed = ((len - extent) / stride + 1) * stride;
        return !s.keepsState() || consumed >= front;
    }

    private static int[] withTime(Tensor x, int t) {
        int[] sh = x.shape();
        sh[2] = t;
        return sh;
    }
}
