package ssvae.vae.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * Background loading: one thread reads samples from the source in order and hands each to a pool of worker
 * threads (decoding is the expensive part); results come back in source order through a bounded queue, so at
 * most {@code depth} samples are in flight and memory stays bounded. Each sample gets its own Random seeded from
 * (seed, sample index), so the output is the same for any number of workers.
 * A sample whose processing throws is skipped and counted in {@link SkipStats} (one warning naming shard and key);
 * a failure of the source itself (for example no usable shard at all) is rethrown to the consumer.
 */
public final class Prefetcher<T> implements Iterator<T>, AutoCloseable {
    private record Pending<T>(Sample sample, Future<T> result) {}

    private static final Pending<?> END = new Pending<>(null, null);

    private final BlockingQueue<Pending<T>> queue;
    private final ExecutorService pool;
    private final Thread producer;
    private final SkipStats stats;
    private final Iterator<Sample> source;
    private T ready;
    private boolean ended;
    private volatile boolean closed;

    public Prefetcher(Iterator<Sample> source, BiFunction<Sample, Random, T> fn, long seed, int workers, int depth, SkipStats stats) {
        if (workers < 1) throw new IllegalArgumentException("prefetch workers must be at least 1, got " + workers);
        if (depth < 1) throw new IllegalArgumentException("prefetch depth must be at least 1, got " + depth);
        this.source = source;
        this.stats = stats;
        this.queue = new ArrayBlockingQueue<>(depth);
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "ssvae-data-worker");
            t.setDaemon(true);
            return t;
        });
        this.producer = new Thread(() -> produce(fn, seed), "ssvae-data-reader");
        producer.setDaemon(true);
        producer.start();
    }

    /** SplitMix64 of (seed, index): the per-sample random seed. */
    static long sampleSeed(long seed, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @SuppressWarnings("unchecked")
    private void produce(BiFunction<Sample, Random, T> fn, long seed) {
        long index = 0;
        try {
            while (!closed && source.hasNext()) {
                Sample s = source.next();
                long sampleSeed = sampleSeed(seed, index++);
                Future<T> f = pool.submit(() -> fn.apply(s, new Random(sampleSeed)));
                queue.put(new Pending<>(s, f));
            }
            if (!closed) queue.put((Pending<T>) END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            try {
                queue.put(new Pending<>(null, CompletableFuture.failedFuture(e)));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override public boolean hasNext() {
        while (ready == null && !ended) {
            if (closed) throw new IllegalStateException("data loader is closed");
            Pending<T> p;
            try {
                p = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for data", e);
            }
            if (p == END) { ended = true; break; }
            try {
                ready = p.result().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for data", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (p.sample() == null) {  // the source failed: fatal
                    ended = true;
                    if (c instanceof RuntimeException re) throw re;
                    throw new DataException("data source failed (" + c + ")", c);
                }
                SkipException skip = c instanceof SkipException se ? se
                        : new SkipException(SkipException.Reason.CORRUPT, c.getMessage() == null ? c.toString() : c.getMessage());
                stats.skip(p.sample().shard(), p.sample().key(), skip);
            }
        }
        return ready != null;
    }

    @Override public T next() {
        if (!hasNext()) throw new NoSuchElementException();
        T t = ready;
        ready = null;
        return t;
    }

    @Override public void close() {
        closed = true;
        producer.interrupt();
        pool.shutdownNow();
        queue.clear();
        if (source instanceof AutoCloseable c) {
            try { producer.join(2000); c.close(); } catch (Exception ignored) { /* closing a read-only stream */ }
        }
    }
}
