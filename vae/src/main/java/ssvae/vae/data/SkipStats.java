package ssvae.vae.data;

import java.io.PrintStream;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts skipped samples by reason (thread-safe) and prints one warning line per skip naming shard and key.
 * {@link #summary()} is the line for the training log.
 */
public final class SkipStats {
    private final AtomicLongArray counts = new AtomicLongArray(SkipException.Reason.values().length);
    private final PrintStream warn;

    public SkipStats() { this(System.err); }
    /** warn may be null to count silently. */
    public SkipStats(PrintStream warn) { this.warn = warn; }

    /** Counts a skip and prints "warning: skipped SHARD KEY: problem". */
    public void skip(String shard, String key, SkipException e) {
        counts.incrementAndGet(e.reason().ordinal());
        if (warn == null) return;
        String where = shard + (key == null ? "" : " " + key), msg = e.getMessage();
        if (msg.startsWith(where + ": ")) msg = msg.substring(where.length() + 2);  // the message already names it
        warn.println("warning: skipped " + where + ": " + msg);
    }

    public long count(SkipException.Reason r) { return counts.get(r.ordinal()); }

    public long total() {
        long t = 0;
        for (int i = 0; i < counts.length(); i++) t += counts.get(i);
        return t;
    }

    public Map<SkipException.Reason, Long> byReason() {
        Map<SkipException.Reason, Long> m = new EnumMap<>(SkipException.Reason.class);
        for (SkipException.Reason r : SkipException.Reason.values()) if (count(r) > 0) m.put(r, count(r));
        return m;
    }

    /** "skipped 3 samples (too_short 2, corrupt 1)" or "skipped 0 samples". */
    public String summary() {
        StringBuilder sb = new StringBuilder("skipped ").append(total()).append(total() == 1 ? " sample" : " samples");
        Map<SkipException.Reason, Long> m = byReason();
        if (!m.isEmpty()) {
            sb.append(" (");
            boolean first = true;
            for (var e : m.entrySet()) {
                if (!first) sb.append(", ");
                sb.append(e.getKey().name().toLowerCase()).append(' ').append(e.getValue());
                first = false;
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
