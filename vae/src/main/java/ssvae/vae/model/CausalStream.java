package ssvae.vae.model;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Per-call state for running the encoder or decoder over time in chunks (the causal feature cache of
 * diffusers' Wan VAE): every temporally causal layer keeps the tail of its padded input so that the next chunk
 * continues exactly where the previous one stopped. A one-pass forward is the first and only chunk.
 * Layers whose output depends on future frames (GroupNorm statistics over time, trilinear temporal
 * interpolation) refuse a second chunk.
 */
public final class CausalStream {
    private final Map<Object, Object> state = new IdentityHashMap<>();
    private final boolean keepState;
    private boolean first = true;

    private CausalStream(boolean keepState) { this.keepState = keepState; }

    /** A stream for a single whole-sequence forward: nothing is cached. */
    public static CausalStream onePass() { return new CausalStream(false); }

    /** A stream for chunked processing: call {@link #endChunk()} after each chunk. */
    public static CausalStream chunked() { return new CausalStream(true); }

    /** True while the first chunk (the one holding frame 0) runs. */
    public boolean first() { return first; }

    public void endChunk() {
        if (!keepState) throw new IllegalStateException("a one-pass stream has a single chunk");
        first = false;
    }

    @SuppressWarnings("unchecked")
    <T> T get(Object owner) { return (T) state.get(owner); }

    void put(Object owner, Object value) { if (keepState) state.put(owner, value); }

    /** True for a chunked stream (layers keep their tails). */
    boolean keepsState() { return keepState; }

    /** Fails when a layer that needs the whole sequence sees a later chunk. */
    void requireFirst(String what) {
        if (!first) throw new IllegalArgumentException(what + " depends on the whole sequence; process it in one pass");
    }
}
