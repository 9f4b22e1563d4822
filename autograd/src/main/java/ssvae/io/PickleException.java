package ssvae.io;

/** A pickle stream that cannot be read: truncated, malformed, or using a feature the reader refuses. */
public class PickleException extends IllegalArgumentException {
    private final boolean truncated;

    public PickleException(String message) { this(message, false); }

    public PickleException(String message, boolean truncated) {
        super(message);
        this.truncated = truncated;
    }

    /** True when the stream ended early (more bytes might complete it). */
    public boolean truncated() { return truncated; }
}
