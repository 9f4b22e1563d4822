package ssvae.vae.train;

import ssvae.tensor.Tensor;

/**
 * A training batch stream with a position: the number of batches drawn so far. Sources are deterministic given
 * their seed, so a resumed run reopens the source at the saved position ({@link #skip}) and sees the same batches.
 */
public interface DataSource extends AutoCloseable {
    /** The next batch [B, 3, T, H, W] in [-1, 1]. */
    Tensor next();

    /** Batches drawn so far. */
    long position();

    /** Draws and drops n batches (used on resume). */
    default void skip(long n) { for (long i = 0; i < n; i++) next(); }

    /** Samples the source dropped as unusable so far. */
    default long skippedSamples() { return 0; }

    @Override default void close() {}
}
