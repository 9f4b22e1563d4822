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
        int vw = w - 2 * RADIUS, vh = h - 2 * RADIUS, n = h * w;
        double[] a = new double[n], b = new double[n], aa = new double[n], bb = new double[n], ab = new double[n];
        for (int i = 0; i < n; i++) {
            double p = x[3 * i + c] & 0xFF, q = y[3 * i + c] & 0xFF;
            a[i] = p; b[i] = q; aa[i] = p * p; bb[i] = q * q; ab[i] = p * q;  // exact: products of bytes
        }
        // horizontal pass over all rows, valid columns only: x, y, xx, yy, xy
        double[] hx = new double[h * vw], hy = new double[h * vw], hxx = new double[h * vw], hyy = new double[h * vw], hxy = new double[h * vw];
        for (int r = 0; r < h; r++) {
            int rb = r * w, ob = r * vw;
            for (int k = 0; k < WIN; k++) {
                double g = KERNEL[k];
                int s = rb + k;
                for (int j = 0; j < vw; j++) {
                    int o = ob + j, i = s + j;
                    hx[o] += g * a[i]; hy[o] += g * b[i]; hxx[o] += g * aa[i]; hyy[o] += g * bb[i]; hxy[o] += g * ab[i];
                }
            }
        }
        // vertical pass row by row, then the SSIM map of that row
        double[] ux = new double[vw], uy = new double[vw], uxx = new double[vw], uyy = new double[vw], uxy = new double[vw];
        double total = 0;
        for (int i = 0; i < vh; i++) {
            java.util.Arrays.fill(ux, 0); java.util.Arrays.fill(uy, 0); java.util.Arrays.fill(uxx, 0);
            java.util.Arrays.fill(uyy, 0); java.util.Arrays.fill(uxy, 0);
            for (int k = 0; k < WIN; k++) {
                double g = KERNEL[k];
                int rb = (i + k) * vw;
                for (int j = 0; j < vw; j++) {
                    ux[j] += g * hx[rb + j]; uy[j] += g * hy[rb + j]; uxx[j] += g * hxx[rb + j];
                    uyy[j] += g * hyy[rb + j]; uxy[j] += g * hxy[rb + j];
                }
            }
            double rowSum = 0;
            for (int j = 0; j < vw; j++) {
                double mx = ux[j], my = uy[j];
                double vx = uxx[j] - mx * mx, vy = uyy[j] - my * my, vxy = uxy[j] - mx * my;
                rowSum += ((2 * mx * my + C1) * (2 * vxy + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
            }
            total += rowSum;
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
        double[] each = new double[3 * n];
        IntStream.range(0, 3 * n).parallel().forEach(i -> each[i] = channel(reference.get(i / 3), distorted.get(i / 3), h, w, i % 3));
        double s = 0;
        for (double v : each) s += v;  // summed in order: the same result for any thread count
        return s / (3.0 * n);
    }
}
