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
     * Returns the padded frames this chunk consumes (exactly (n-1)*stride + extent frames for n outputs) and
     * stores the unconsumed tail in s for the next chunk.
     */
    static Tensor window(CausalStream s, Object owner, Tensor x, int front, PadMode mode, int extent, int stride) {
        Tail tail = s.get(owner);
        Tensor padded;
        if (tail == null) {
            if (!s.first()) throw new IllegalStateException("causal cache lost between chunks");
            padded = front == 0 ? x : x.pad(new int[] {0, 0, 0, 0, front, 0}, mode == PadMode.FIRST ? PadMode.FIRST : PadMode.CONSTANT, 0);
        } else {
            padded = tail.frames() == null ? x : Tensor.cat(List.of(tail.frames(), x), 2);
        }
        int len = padded.size(2);
        if (len < extent) throw new IllegalArgumentException("temporal chunk too short: " + len + " padded frames, the layer needs " + extent
                + " (split video into a first chunk of 1+4k frames and later chunks of 4k frames)");
        int n = (len - extent) / stride + 1;
        int consumed = n * stride;
        s.put(owner, new Tail(consumed < len ? padded.narrow(2, consumed, len - consumed).contiguous() : null));
        return padded.narrow(2, 0, (n - 1) * stride + extent);
    }
}
