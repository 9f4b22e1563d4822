package ssvae.vae.model;

import ssvae.tensor.PadMode;
import ssvae.tensor.Tensor;

import java.util.ArrayList;
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
     * The padded frames a chunk consumes, kept as a prefix (null, a stride-0 view of zeros or of frame 0, or the
     * previous chunk's tail) followed by frames, so that nothing full-size is copied until a caller asks:
     * {@link #materialise()} concatenates, {@link #slice} copies only a range of frames.
     */
    record Window(Tensor prefix, boolean zeroPrefix, Tensor frames, int outputs) {
        int prefixLength() { return prefix == null ? 0 : prefix.size(2); }
        int length() { return prefixLength() + frames.size(2); }

        Tensor materialise() { return prefix == null ? frames : Tensor.cat(List.of(prefix, frames), 2); }

        /** Padded frames [from, to) as one tensor. */
        Tensor slice(int from, int to) {
            int p = prefixLength();
            List<Tensor> parts = new ArrayList<>(2);
            if (from < p) parts.add(prefix.narrow(2, from, Math.min(to, p) - from));
            if (to > p) parts.add(frames.narrow(2, Math.max(from, p) - p, to - Math.max(from, p)));
            return parts.size() == 1 ? parts.get(0) : Tensor.cat(parts, 2);
        }
    }

    /**
     * Returns the padded frames this chunk consumes (exactly (n-1)*stride + extent frames for n outputs) and
     * stores the unconsumed tail in s for the next chunk.
     */
    static Tensor window(CausalStream s, Object owner, Tensor x, int front, PadMode mode, int extent, int stride) {
        return window(s, owner, x, front, mode, extent, stride, false).materialise();
    }

    /** As above, unmaterialised; prepadded says that x of the first chunk already carries its front padding. */
    static Window window(CausalStream s, Object owner, Tensor x, int front, PadMode mode, int extent, int stride, boolean prepadded) {
        Tail tail = s.get(owner);
        Tensor prefix = null;
        boolean zeros = false;
        if (tail == null) {
            if (!s.first()) throw new IllegalStateException("causal cache lost between chunks");
            if (front > 0 && !prepadded) {
                int[] sh = x.shape();
                sh[2] = front;
                if (mode == PadMode.FIRST) prefix = x.narrow(2, 0, 1).expand(sh);
                else { prefix = Tensor.zeros(x.dtype(), x.device(), 1, 1, 1, 1, 1).expand(sh); zeros = true; }
            }
        } else {
            prefix = tail.frames();
        }
        Window all = new Window(prefix, zeros, x, 0);
        int len = all.length();
        if (len < extent) throw new IllegalArgumentException("temporal chunk too short: " + len + " padded frames, the layer needs " + extent
                + " (split video into a first chunk of 1+4k frames and later chunks of 4k frames)");
        int n = (len - extent) / stride + 1;
        int consumed = n * stride, used = (n - 1) * stride + extent, p = all.prefixLength();
        if (s.keepsState()) s.put(owner, new Tail(consumed < len ? all.slice(consumed, len).contiguous() : null));
        if (used < p) throw new IllegalStateException("causal window shorter than its padding"); // extent > front always
        return new Window(prefix, zeros, x.narrow(2, 0, used - p), n);
    }
}
