package ssvae.kernels.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The CPU thread pool (--threads; default all cores, or system property ssvae.threads).
 * Work is split into contiguous ranges; with one thread everything runs on the caller.
 */
public final class Parallel {
    private static volatile ForkJoinPool pool;
    private static volatile int threads = initialThreads();

    private Parallel() {}

    private static int initialThreads() {
        String p = System.getProperty("ssvae.threads");
        if (p != null && !p.isBlank()) {
            try { return Math.max(1, Integer.parseInt(p.trim())); } catch (NumberFormatException ignored) { /* default */ }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    public static int threads() { return threads; }

    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n != threads) {
            threads = n;
            ForkJoinPool old = pool;
            pool = null;
            if (old != null) old.shutdown();
        }
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                if (pool == null) pool = new ForkJoinPool(threads);
                p = pool;
            }
        }
        return p;
    }

    /** A body over [start, end). */
    @FunctionalInterface
    public interface Range { void run(int start, int end); }

    /**
     * Runs body over [0, n) in at most threads() chunks, each at least grain long.
     * Runs inline when one chunk suffices or when already inside the pool.
     */
    public static void forRange(int n, int grain, Range body) {
        if (n <= 0) return;
        int t = threads;
        int chunks = Math.min(t, Math.max(1, n / Math.max(grain, 1)));
        if (chunks <= 1) { body.run(0, n); return; }
        ForkJoinPool p = pool();
        if (java.util.concurrent.ForkJoinTask.getPool() == p) { body.run(0, n); return; } // nested: stay on this worker
        p.invoke(new RecursiveAction() {
            @Override protected void compute() {
                RecursiveAction[] tasks = new RecursiveAction[chunks];
                for (int c = 0; c < chunks; c++) {
                    final int s = (int) ((long) n * c / chunks), e = (int) ((long) n * (c + 1) / chunks);
                    tasks[c] = new RecursiveAction() { @Override protected void compute() { body.run(s, e); } };
                }
                invokeAll(tasks);
            }
        });
    }

    /** Runs body(i) for i in [0, tasks) with one task per index, in parallel. */
    public static void forEach(int tasks, java.util.function.IntConsumer body) {
        forRange(tasks, 1, (s, e) -> { for (int i = s; i < e; i++) body.accept(i); });
    }
}
