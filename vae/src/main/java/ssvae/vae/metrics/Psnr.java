package ssvae.vae.metrics;

import java.util.List;

/**
 * PSNR of a clip: one mean squared error pooled over all frames, pixels and RGB channels of the 8-bit frames,
 * PSNR = 10 log10(255^2 / MSE) (infinite for identical clips).
 */
public final class Psnr {
    private Psnr() {}

    /** Sum of squared differences of two byte arrays (values read as unsigned). */
    static long sumSquaredError(byte[] a, byte[] b, int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            int d = (a[i] & 0xFF) - (b[i] & 0xFF);
            s += d * d;
        }
        return s;
    }

    /** MSE over frames of equal size (bytes per frame = frameBytes). */
    public static double mse(List<byte[]> reference, List<byte[]> distorted, int frameBytes) {
        check(reference, distorted);
        long s = 0;
        for (int t = 0; t < reference.size(); t++) s += sumSquaredError(reference.get(t), distorted.get(t), frameBytes);
        return (double) s / ((double) frameBytes * reference.size());
    }

    public static double fromMse(double mse) { return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse); }

    public static double psnr(List<byte[]> reference, List<byte[]> distorted, int frameBytes) {
        return fromMse(mse(reference, distorted, frameBytes));
    }

    static void check(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) throw new IllegalArgumentException("frame counts differ: " + a.size() + " vs " + b.size());
        if (a.isEmpty()) throw new IllegalArgumentException("no frames to compare");
    }
}
