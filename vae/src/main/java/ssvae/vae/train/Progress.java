package ssvae.vae.train;

import java.io.PrintStream;

/** A progress bar: step, loss, it/s and ETA; redrawn in place on a terminal, a line every few percent otherwise. */
final class Progress {
    private final PrintStream out;
    private final long total, first;
    private final boolean tty;
    private final long startNanos = System.nanoTime();
    private long lastLine = -1;

    Progress(PrintStream out, long first, long total) {
        this.out = out;
        this.first = first;
        this.total = total;
        this.tty = System.console() != null;
    }

    void update(long step, double loss) {
        if (out == null) return;
        double secs = (System.nanoTime() - startNanos) / 1e9;
        long done = step - first;
        double itS = done / Math.max(secs, 1e-9);
        long eta = itS > 0 ? Math.round((total - step) / itS) : 0;
        int width = 24, fill = (int) Math.round(width * (double) step / Math.max(1, total));
        String bar = "#".repeat(Math.min(width, fill)) + ".".repeat(Math.max(0, width - fill));
        String line = String.format("step %d/%d [%s] loss %.4g  %.2f it/s  ETA %s", step, total, bar, loss, itS, hms(eta));
        if (tty) {
            out.print("\r" + line);
            if (step >= total) out.println();
        } else {
            long every = Math.max(1, total / 20);
            if (step == total || step - lastLine >= every || lastLine < 0) {
                out.println(line);
                lastLine = step;
            }
        }
        out.flush();
    }

    static String hms(long s) { return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60); }
}
