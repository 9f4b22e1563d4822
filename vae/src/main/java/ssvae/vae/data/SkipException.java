package ssvae.vae.data;

/** A sample the loader cannot use (corrupt, too short, too small, ...): skipped and counted, never fatal. */
public final class SkipException extends DataException {
    /** Reasons, the keys of the skip counters. */
    public enum Reason { CORRUPT, TOO_SHORT, TOO_SMALL, PORTRAIT, NO_META, NO_MEDIA, BAD_SHARD }

    private final Reason reason;

    public SkipException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() { return reason; }
}
