package ssvae.vae.train;

import ssvae.tensor.DType;
import ssvae.tensor.Tensor;

/**
 * Statistics of latents [B, C, T, H, W]: the channel covariance over all positions and the share of its variance
 * in the top k principal components (eigenvalues by cyclic Jacobi rotations, exact for symmetric matrices).
 */
public final class LatentStats {
    private LatentStats() {}

    /** Covariance [C][C] of the channels over every (b, t, h, w) position (divided by N - 1). */
    public static double[][] channelCovariance(Tensor z) {
        int c = z.size(1);
        double[] x = z.transpose(0, 1).contiguous().reshape(c, -1).to(DType.F64).contiguous().toDoubleArray();
        int n = x.length / c;
        double[] mean = new double[c];
        for (int i = 0; i < c; i++) { double s = 0; for (int k = 0; k < n; k++) s += x[i * n + k]; mean[i] = s / n; }
        double[][] cov = new double[c][c];
        for (int i = 0; i < c; i++)
            for (int j = i; j < c; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += (x[i * n + k] - mean[i]) * (x[j * n + k] - mean[j]);
                cov[i][j] = cov[j][i] = s / Math.max(1, n - 1);
            }
        return cov;
    }

    /** Eigenvalues of a symmetric matrix, descending. */
    public static double[] eigenvalues(double[][] sym) {
        int n = sym.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = sym[i].clone();
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
            if (off < 1e-30) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double cs = 1 / Math.sqrt(t * t + 1), sn = t * cs;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = cs * akp - sn * akq;
                        a[k][q] = sn * akp + cs * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = cs * apk - sn * aqk;
                        a[q][k] = sn * apk + cs * aqk;
                    }
                }
        }
        double[] ev = new double[n];
        for (int i = 0; i < n; i++) ev[i] = a[i][i];
        java.util.Arrays.sort(ev);
        for (int i = 0; i < n / 2; i++) { double t = ev[i]; ev[i] = ev[n - 1 - i]; ev[n - 1 - i] = t; }
        return ev;
    }

    /** Share of the total channel variance in the top k principal components. */
    public static double topShare(Tensor z, int k) {
        double[] ev = eigenvalues(channelCovariance(z));
        double total = 0, top = 0;
        for (int i = 0; i < ev.length; i++) { double v = Math.max(0, ev[i]); total += v; if (i < k) top += v; }
        return total == 0 ? 0 : top / total;
    }
}
