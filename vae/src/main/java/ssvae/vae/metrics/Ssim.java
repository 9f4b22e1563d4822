package ssvae.vae.metrics;

import java.util.List;
import java.util.stream.IntStream;

/**
 * SSIM with the standard Gaussian window, as scikit-image's {@code structural_similarity(gaussian_weights=True,
 * sigma=1.5, use_sample_covariance=False, data_range=255)}: an 11-tap Gaussian (sigma 1.5, truncate 3.5, normalised)
 * gives local means, variances and covariance; S = (2 ux uy + C1)(2 vxy + C2) / ((ux^2 + uy^2 + C1)(vx + vy + C2))
 * with C1 = (0.01 * 255)^2, C2 = (0.03 * 255)^2; the mean of S over the valid region (5 pixels cropped at every
 * border, where the window lies inside the image) per RGB channel, averaged over channels and frames.
 * Computed in double, separable.
 */
public final class Ssim {
    public static final int WIN = 11, RADIUS = 5;
    static final double SIGMA = 1.5, K1 = 0.01, K2 = 0.03, RANGE = 255;
    static final double C1 = (K1 * RANGE) * (K1 * RANGE), C2 = (K2 * RANGE) * (K2 * RANGE);
    static final double[] KERNEL = kernel();

    private Ssim() {}

    private static double[] kernel() {
        double[] k = new double[WIN];
        double s = 0;
        for (int i = 0; i < WIN; i++) {
            double x = i - RADIUS;
            k[i] = Math.exp(-0.5 * x * x / (SIGMA * SIGMA));
            s += k[i];
        }
        for (int i = 0; i < WIN; i++) k[i] /= s;
        return k;
    }

    /** Mean SSIM of one channel c (0..2) of two packed RGB24 frames of h x w; needs h, w >= 11. */
    public static double channel(byte[] x, byte[] y, int h, int w, int c) {
        if (h < WIN || w < WIN) throw new IllegalArgumentException("SSIM needs frames of at least 11x11, got " + w + "x" + h);
        int vw = w - 2 * RADIUS, vh = h - 2 * RADIUS;
        // horizontal pass over all rows, valid columns only: five maps (x, y, xx, yy, xy)
        double[][] hp = new double[5][h * vw];
        for (int r = 0; r < h; r++) {
            int rowBase = r * w;
            for (int j = 0; j < vw; j++) {
                double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
                for (int k = 0; k < WIN; k++) {
                    int p = 3 * (rowBase + j + k) + c;
                    double a = x[p] & 0xFF, b = y[p] & 0xFF, g = KERNEL[k];
                    sx += g * a; sy += g * b; sxx += g * a * a; syy += g * b * b; sxy += g * a * b;
                }
                int o = r * vw + j;
                hp[0][o] = sx; hp[1][o] = sy; hp[2][o] = sxx; hp[3][o] = syy; hp[4][o] = sxy;
            }
        }
        double total = 0;
        for (int i = 0; i < vh; i++) {
            for (int j = 0; j < vw; j++) {
                double ux = 0, uy = 0, uxx = 0, uyy = 0, uxy = 0;
                for (int k = 0; k < WIN; k++) {
                    int o = (i + k) * vw + j;
                    double g = KERNEL[k];
                    ux += g * hp[0][o]; uy += g * hp[1][o]; uxx += g * hp[2][o]; uyy += g * hp[3][o]; uxy += g * hp[4][o];
                }
                double vx = uxx - ux * ux, vy = uyy - uy * uy, vxy = uxy - ux * uy;
                total += ((2 * ux * uy + C1) * (2 * vxy + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
            }
        }
        return total / ((double) vh * vw);
    }

    /** Mean SSIM of two RGB24 frames: the average of the three channels' SSIM. */
    public static double frame(byte[] x, byte[] y, int h, int w) {
        return (channel(x, y, h, w, 0) + channel(x, y, h, w, 1) + channel(x, y, h, w, 2)) / 3;
    }

    /** Mean SSIM over frames and channels; frames and channels run in parallel. */
    public static double clip(List<byte[]> reference, List<byte[]> distorted, int h, int w) {
        Psnr.check(reference, distorted);
        int n = reference.size();
        double s = IntStream.range(0, 3 * n).parallel()
                .mapToDouble(i -> channel(reference.get(i / 3), distorted.get(i / 3), h, w, i % 3)).sum();
        return s / (3.0 * n);
    }
}
