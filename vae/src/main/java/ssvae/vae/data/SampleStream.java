package ssvae.vae.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * The raw sample stream of a WebDataset, seeded:
 * <ul>
 *   <li>resampled (webdataset ResampledShards, as the official training loader uses): an endless sequence of shards
 *       drawn uniformly with replacement; or one pass over the shards in order (evaluation).</li>
 *   <li>a shuffle buffer as webdataset's {@code shuffle(bufsize, initial=100)}: fill to min(initial, bufsize),
 *       then each incoming sample is added and a uniformly chosen one is emitted (swap with the last, pop);
 *       the buffer is drained at the end of a finite stream. A buffer of 1 keeps the order.</li>
 * </ul>
 * A shard that cannot be read (not a tar, truncated, bad meta file) is counted as skipped with one warning; its
 * samples read before the problem are kept. An endless stream that meets only unusable shards for a whole
 * round stops with a {@link DataException} rather than spinning.
 */
public final class SampleStream implements Iterator<Sample>, AutoCloseable {
    private final List<Path> shards;
    private final boolean resampled;
    private final Random shardRng, shuffleRng;
    private final int bufsize, initial;
    private final SkipStats stats;
    private final List<Sample> buf = new ArrayList<>();
    private int nextShardInOrder;
    private ShardReader current;
    private int emptyShardsInARow;
    private boolean sourceDone;

    public SampleStream(List<Path> shards, boolean resampled, long seed, int shuffleBuffer, SkipStats stats) {
        if (shards.isEmpty()) throw new IllegalArgumentException("no shards");
        if (shuffleBuffer < 1) throw new IllegalArgumentException("shuffle buffer must be at least 1, got " + shuffleBuffer);
        this.shards = List.copyOf(shards);
        this.resampled = resampled;
        this.shardRng = new Random(seed);
        this.shuffleRng = new Random(seed ^ 0x5DEECE66DL * 31);
        this.bufsize = shuffleBuffer;
        this.initial = Math.min(100, shuffleBuffer);
        this.stats = stats;
    }

    /** The next sample from the shards (before shuffling), or null when a finite stream is exhausted. */
    private Sample pull() {
        while (true) {
            if (current == null) {
                Path next;
                if (resampled) {
                    if (emptyShardsInARow > Math.max(10, 3 * shards.size())) {
                        throw new DataException("no usable samples: the last " + emptyShardsInARow + " shards drawn from " + shards.size() + " gave none");
                    }
                    next = shards.get(shardRng.nextInt(shards.size()));
                } else {
                    if (nextShardInOrder >= shards.size()) return null;
                    next = shards.get(nextShardInOrder++);
                }
                try {
                    current = new ShardReader(next);
                } catch (DataException e) {
                    stats.skip(next.toString(), null, new SkipException(SkipException.Reason.BAD_SHARD, e.getMessage()));
                    emptyShardsInARow++;
                    continue;
                }
                emptyShardsInARow++;
            }
            try {
                if (current.hasNext()) {
                    emptyShardsInARow = 0;
                    return current.next();
                }
            } catch (DataException e) {
                stats.skip(current.path().toString(), null, new SkipException(SkipException.Reason.BAD_SHARD, e.getMessage()));
            }
            current.close();
            current = null;
        }
    }

    private Sample ready;

    @Override public boolean hasNext() {
        if (ready == null) ready = advance();
        return ready != null;
    }

    @Override public Sample next() {
        if (!hasNext()) throw new NoSuchElementException();
        Sample s = ready;
        ready = null;
        return s;
    }

    /** One step of webdataset's _shuffle generator: returns the next emitted sample, or null at the end. */
    private Sample advance() {
        while (true) {
            if (sourceDone) return buf.isEmpty() ? null : pick();
            Sample s = pull();
            if (s == null) { sourceDone = true; continue; }
            buf.add(s);
            if (buf.size() < bufsize) {
                Sample t = pull();
                if (t == null) sourceDone = true;
                else buf.add(t);
            }
            if (buf.size() >= initial) return pick();
        }
    }

    /** Swap a uniformly chosen element with the last and pop it. */
    private Sample pick() {
        int k = shuffleRng.nextInt(buf.size());
        Sample p = buf.get(k);
        buf.set(k, buf.get(buf.size() - 1));
        buf.remove(buf.size() - 1);
        return p;
    }

    @Override public void close() {
        if (current != null) current.close();
        current = null;
    }

}
