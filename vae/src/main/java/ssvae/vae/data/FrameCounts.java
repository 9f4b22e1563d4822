package ssvae.vae.data;

/**
 * Frame-count rules: the causal VAE compresses time 4x after the first frame, so clips hold 1 + 4k frames
 * (17 = 1 + 4*4). Other counts are rounded to the nearest 1 + 4k (ties go up) with one warning line.
 */
public final class FrameCounts {
    private FrameCounts() {}

    public static boolean isValid(int frames) { return frames >= 1 && (frames - 1) % 4 == 0; }

    /** The nearest 1 + 4k to frames (at least 1); prints a warning to stderr when it differs. */
    public static int round4kPlus1(int frames) {
        if (frames < 1) throw new IllegalArgumentException("frame count must be at least 1, got " + frames);
        if (isValid(frames)) return frames;
        int k = (int) Math.floor((frames - 1) / 4.0 + 0.5);
        int r = 1 + 4 * k;
        System.err.println("warning: " + frames + " frames is not 1+4k; using " + r);
        return r;
    }
}
