package ssvae.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on the error stream, redrawn in place with '\r'; only drawn when the process talks to a
 * terminal (or when forced), so logs and tests see nothing but the result lines.
 */
final class ProgressBar {
    private static final int WIDTH = 24;
    private final PrintWriter err;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private int lastLength;

    ProgressBar(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /** True when standard error is a terminal. */
    static boolean interactive() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** Draws "label [#####-----] done/total phase 12.3 s". */
    void update(String label, String phase, int done, int total) {
        if (!enabled || total <= 0) return;
        int fill = (int) ((long) WIDTH * Math.min(done, total) / total);
        String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d %s %.1f s", label, "#".repeat(fill), "-".repeat(WIDTH - fill),
                done, total, phase, (System.nanoTime() - start) / 1e9);
        err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        lastLength = line.length();
        err.flush();
    }

    /** Erases the bar so the next line starts clean. */
    void clear() {
        if (!enabled || lastLength == 0) return;
        err.print("\r" + " ".repeat(lastLength) + "\r");
        err.flush();
        lastLength = 0;
    }
}
