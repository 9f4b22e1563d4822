package ssvae.io;

/** A pickle stream that cannot be read: truncated, malformed, or using a feature the reader refuses. */
public class PickleException extends IllegalArgumentException {
    public PickleException(String message) { super(message); }
}
