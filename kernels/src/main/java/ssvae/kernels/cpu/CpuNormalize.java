package ssvae.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.NormMode;
import ssvae.tensor.Tensor;

/**
 * Row normalisation of a contiguous [outer, r, inner] view over the r axis (see {@link NormMode}):
 * CENTERED y = (x - mean) * rstd, rstd = 1/sqrt(var_biased + eps) (F.layer_norm / F.group_norm);
 * L2 y = x / max(||x||_2, eps) (F.normalize); RMS y = x / sqrt(mean(x^2) + eps) (F.rms_norm).
 *
 * Backward, with Sg = sum(gy), Sgx = sum(gy * (x - mu)) (mu = mean for CENTERED, 0 otherwise), every mode is
 * gx = A * gy + B * (x - mu) + C per row:
 * CENTERED A = rstd, B = -rstd^3 Sgx / r, C = -rstd Sg / r (native_layer_norm_backward);
 * RMS      A = rstd, B = -rstd^3 Sgx / r, C = 0;
 * L2       n = ||x||: n >= eps: A = 1/n, B = -Sgx / n^3; else (clamp_min passes no gradient) A = 1/eps, B = 0.
 *
 * Reference: double accumulation, any float dtype. F32 fast path: inner == 1 rows are split into chunks
 * (vectorised along r, partial statistics folded in double, chunks combined with Chan's formula), inner > 1
 * is vectorised across blocks of inner columns; both run in parallel over the work units.
 */
final class CpuNormalize {
    private CpuNormalize() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Elements of a row per work unit (inner == 1). */
    static final int CH = 8192;
    /** Columns per work unit (inner > 1). */
    static final int IB = 2048;

    // ------------------------------------------------------------------ shared row algebra

    /** rstd of one row from its statistics: mean and M2 = sum((x - mean)^2) for CENTERED, ss = sum(x^2) otherwise. */
    static double rstd(NormMode mode, double m2OrSs, int r, double eps) {
        return switch (mode) {
            case CENTERED -> 1.0 / Math.sqrt(m2OrSs / r + eps);
            case L2 -> 1.0 / Math.max(Math.sqrt(m2OrSs), eps);
            case RMS -> 1.0 / Math.sqrt(m2OrSs / r + eps);
        };
    }

    /** {A, B, C} of the backward formula for one row. */
    static void coefficients(NormMode mode, int r, double eps, double rs, double sg, double sgx, double sxx, double[] abc) {
        switch (mode) {
            case CENTERED -> { abc[0] = rs; abc[1] = -rs * rs * rs * sgx / r; abc[2] = -rs * sg / r; }
            case RMS -> { abc[0] = rs; abc[1] = -rs * rs * rs * sgx / r; abc[2] = 0; }
            case L2 -> {
                double n = Math.sqrt(sxx);
                if (n >= eps) { abc[0] = 1 / n; abc[1] = -sgx / (n * n * n); }
                else { abc[0] = 1 / eps; abc[1] = 0; }
                abc[2] = 0;
            }
        }
    }

    // ------------------------------------------------------------------ reference

    static void forwardRef(NormMode mode, Tensor x, int outer, int r, int inner, double eps, Tensor out, Tensor mean, Tensor rstd) {
        CpuStorage xs = CpuNn.st(x), os = CpuNn.st(out), ms = CpuNn.st(mean), rs = CpuNn.st(rstd);
        int xo = x.offset(), oo = out.offset(), mo = mean.offset(), ro = rstd.offset();
        Parallel.forRange(outer * inner, Math.max(1, 4096 / Math.max(r, 1)), (a, b) -> {
            for (int u = a; u < b; u++) {
                int base = (u / inner) * r * inner + u % inner;
                double mu = 0;
                if (mode == NormMode.CENTERED) {
                    for (int k = 0; k < r; k++) mu += xs.getDouble(xo + base + k * inner);
                    mu /= r;
                }
                double acc = 0;
                for (int k = 0; k < r; k++) { double d = xs.getDouble(xo + base + k * inner) - mu; acc += d * d; }
                double s = rstd(mode, acc, r, eps);
                for (int k = 0; k < r; k++) os.setDouble(oo + base + k * inner, (xs.getDouble(xo + base + k * inner) - mu) * s);
                ms.setDouble(mo + u, mu);
                rs.setDouble(ro + u, s);
            }
        });
    }

    static void backwardRef(NormMode mode, Tensor x, int outer, int r, int inner, double eps, Tensor mean, Tensor rstd, Tensor gy, Tensor gx) {
        CpuStorage xs = CpuNn.st(x), ms = CpuNn.st(mean), rs = CpuNn.st(rstd), gs = CpuNn.st(gy), ks = CpuNn.st(gx);
        int xo = x.offset(), mo = mean.offset(), ro = rstd.offset(), go = gy.offset(), ko = gx.offset();
        Parallel.forRange(outer * inner, Math.max(1, 4096 / Math.max(r, 1)), (a, b) -> {
            double[] abc = new double[3];
            for (int u = a; u < b; u++) {
                int base = (u / inner) * r * inner + u % inner;
                double mu = mode == NormMode.CENTERED ? ms.getDouble(mo + u) : 0;
                double sg = 0, sgx = 0, sxx = 0;
                for (int k = 0; k < r; k++) {
                    int p = base + k * inner;
                    double g = gs.getDouble(go + p), xv = xs.getDouble(xo + p);
                    sg += g; sgx += g * (xv - mu); sxx += xv * xv;
                }
                coefficients(mode, r, eps, rs.getDouble(ro + u), sg, sgx, sxx, abc);
                for (int k = 0; k < r; k++) {
                    int p = base + k * inner;
                    ks.setDouble(ko + p, abc[0] * gs.getDouble(go + p) + abc[1] * (xs.getDouble(xo + p) - mu) + abc[2]);
                }
            }
        });
    }

    // ------------------------------------------------------------------ F32

    static void forwardF32(NormMode mode, Tensor x, int outer, int r, int inner, double eps, Tensor out, Tensor mean, Tensor rstd) {
        float[] xa = CpuNn.st(x).f32(), oa = CpuNn.st(out).f32(), ma = CpuNn.st(mean).f32(), ra = CpuNn.st(rstd).f32();
        int xo = x.offset(), oo = out.offset(), mo = mean.offset(), ro = rstd.offset();
        if (outer * inner == 0) return;
        if (r == 0) { forwardRef(mode, x, outer, r, inner, eps, out, mean, rstd); return; }
        if (inner == 1) {
            int nch = (r + CH - 1) / CH, units = outer * nch;
            double[] cm = new double[units], c2 = new double[units];
            // pass 1: per-chunk statistics (count-weighted mean and M2, or sum of squares)
            Parallel.forRange(units, Math.max(1, 65536 / Math.min(r, CH)), (a, b) -> {
                for (int u = a; u < b; u++) {
                    int o = u / nch, c0 = (u % nch) * CH, len = Math.min(CH, r - c0), p = xo + o * r + c0;
                    if (mode == NormMode.CENTERED) {
                        double m = sum(xa, p, len) / len;
                        float c = (float) m;
                        cm[u] = m;
                        // sum((x - c)^2) = M2 + len * (m - c)^2 for the float shift c
                        c2[u] = Math.max(0, sumSqDev(xa, p, len, c) - len * (m - c) * (m - c));
                    } else {
                        c2[u] = sumSqDev(xa, p, len, 0f);
                    }
                }
            });
            for (int o = 0; o < outer; o++) {
                double m = 0, m2 = 0;
                long n = 0;
                for (int c = 0; c < nch; c++) {
                    int u = o * nch + c, len = Math.min(CH, r - c * CH);
                    if (mode == NormMode.CENTERED) {
                        long nn = n + len;
                        double d = cm[u] - m;
                        m += d * len / nn;
                        m2 += c2[u] + d * d * n * len / nn;
                        n = nn;
                    } else m2 += c2[u];
                }
                ma[mo + o] = (float) m;
                ra[ro + o] = (float) rstd(mode, m2, r, eps);
            }
            // pass 2: y = (x - mean) * rstd
            Parallel.forRange(units, Math.max(1, 65536 / Math.min(r, CH)), (a, b) -> {
                for (int u = a; u < b; u++) {
                    int o = u / nch, c0 = (u % nch) * CH, len = Math.min(CH, r - c0), off = o * r + c0;
                    shiftScale(xa, xo + off, oa, oo + off, len, ma[mo + o], ra[ro + o]);
                }
            });
        } else {
            int blocks = (inner + IB - 1) / IB;
            Parallel.forRange(outer * blocks, Math.max(1, 65536 / (r * Math.min(IB, inner))), (a, b) -> {
                float[] mu = new float[IB], acc = new float[IB];
                for (int u = a; u < b; u++) {
                    int o = u / blocks, j0 = (u % blocks) * IB, w = Math.min(IB, inner - j0), off = o * r * inner + j0;
                    java.util.Arrays.fill(mu, 0, w, 0f);
                    if (mode == NormMode.CENTERED) {
                        java.util.Arrays.fill(acc, 0, w, 0f);
                        for (int k = 0; k < r; k++) addRow(acc, xa, xo + off + k * inner, w);
                        for (int j = 0; j < w; j++) mu[j] = acc[j] / r;
                    }
                    java.util.Arrays.fill(acc, 0, w, 0f);
                    for (int k = 0; k < r; k++) addSqDevRow(acc, xa, xo + off + k * inner, mu, w);
                    for (int j = 0; j < w; j++) {
                        acc[j] = (float) rstd(mode, acc[j], r, eps);
                        ma[mo + o * inner + j0 + j] = mu[j];
                        ra[ro + o * inner + j0 + j] = acc[j];
                    }
                    for (int k = 0; k < r; k++) shiftScaleRow(xa, xo + off + k * inner, oa, oo + off + k * inner, mu, acc, w);
                }
            });
        }
    }

    static void backwardF32(NormMode mode, Tensor x, int outer, int r, int inner, double eps, Tensor mean, Tensor rstd, Tensor gy, Tensor gx) {
        float[] xa = CpuNn.st(x).f32(), ma = CpuNn.st(mean).f32(), ra = CpuNn.st(rstd).f32(), ga = CpuNn.st(gy).f32(), ka = CpuNn.st(gx).f32();
        int xo = x.offset(), mo = mean.offset(), ro = rstd.offset(), go = gy.offset(), ko = gx.offset();
        if (outer * inner == 0 || r == 0) return;
        boolean centered = mode == NormMode.CENTERED, l2 = mode == NormMode.L2;
        if (inner == 1) {
            int nch = (r + CH - 1) / CH, units = outer * nch;
            double[] sg = new double[units], sgx = new double[units], sxx = new double[units];
            Parallel.forRange(units, Math.max(1, 65536 / Math.min(r, CH)), (a, b) -> {
                double[] t = new double[3];
                for (int u = a; u < b; u++) {
                    int o = u / nch, c0 = (u % nch) * CH, len = Math.min(CH, r - c0), off = o * r + c0;
                    gradSums(ga, go + off, xa, xo + off, len, centered ? ma[mo + o] : 0f, l2, t);
                    sg[u] = t[0]; sgx[u] = t[1]; sxx[u] = t[2];
                }
            });
            float[] A = new float[outer], B = new float[outer], C = new float[outer];
            double[] abc = new double[3];
            for (int o = 0; o < outer; o++) {
                double a0 = 0, a1 = 0, a2 = 0;
                for (int c = 0; c < nch; c++) { a0 += sg[o * nch + c]; a1 += sgx[o * nch + c]; a2 += sxx[o * nch + c]; }
                coefficients(mode, r, eps, ra[ro + o], a0, a1, a2, abc);
                A[o] = (float) abc[0]; B[o] = (float) abc[1]; C[o] = (float) abc[2];
            }
            Parallel.forRange(units, Math.max(1, 65536 / Math.min(r, CH)), (a, b) -> {
                for (int u = a; u < b; u++) {
                    int o = u / nch, c0 = (u % nch) * CH, len = Math.min(CH, r - c0), off = o * r + c0;
                    applyGrad(ga, go + off, xa, xo + off, ka, ko + off, len, A[o], B[o], C[o], centered ? ma[mo + o] : 0f);
                }
            });
        } else {
            int blocks = (inner + IB - 1) / IB;
            Parallel.forRange(outer * blocks, Math.max(1, 65536 / (r * Math.min(IB, inner))), (a, b) -> {
                float[] mu = new float[IB], s0 = new float[IB], s1 = new float[IB], s2 = new float[IB];
                double[] abc = new double[3];
                for (int u = a; u < b; u++) {
                    int o = u / blocks, j0 = (u % blocks) * IB, w = Math.min(IB, inner - j0), off = o * r * inner + j0, so = o * inner + j0;
                    for (int j = 0; j < w; j++) mu[j] = centered ? ma[mo + so + j] : 0f;
                    java.util.Arrays.fill(s0, 0, w, 0f);
                    java.util.Arrays.fill(s1, 0, w, 0f);
                    java.util.Arrays.fill(s2, 0, w, 0f);
                    for (int k = 0; k < r; k++) gradSumsRow(ga, go + off + k * inner, xa, xo + off + k * inner, mu, s0, s1, s2, w, centered, l2);
                    for (int j = 0; j < w; j++) {
                        coefficients(mode, r, eps, ra[ro + so + j], s0[j], s1[j], s2[j], abc);
                        s0[j] = (float) abc[0]; s1[j] = (float) abc[1]; s2[j] = (float) abc[2];
                    }
                    for (int k = 0; k < r; k++) applyGradRow(ga, go + off + k * inner, xa, xo + off + k * inner, ka, ko + off + k * inner, mu, s0, s1, s2, w);
                }
            });
        }
    }

    // ------------------------------------------------------------------ vector helpers (rows: inner == 1)

    /** sum of x[p, p+n) with float lanes folded into double every 1024 elements. */
    static double sum(float[] x, int p, int n) {
        double s = 0;
        for (int c0 = 0; c0 < n; c0 += 1024) {
            int c1 = Math.min(n, c0 + 1024), up = c0 + S.loopBound(c1 - c0), i = c0;
            FloatVector acc = FloatVector.zero(S);
            for (; i < up; i += L) acc = acc.add(FloatVector.fromArray(S, x, p + i));
            float t = Lanes.sum(acc);
            for (; i < c1; i++) t += x[p + i];
            s += t;
        }
        return s;
    }

    /** sum((x - m)^2) over x[p, p+n). */
    static double sumSqDev(float[] x, int p, int n, float m) {
        FloatVector bm = FloatVector.broadcast(S, m);
        double s = 0;
        for (int c0 = 0; c0 < n; c0 += 1024) {
            int c1 = Math.min(n, c0 + 1024), up = c0 + S.loopBound(c1 - c0), i = c0;
            FloatVector acc = FloatVector.zero(S);
            for (; i < up; i += L) { FloatVector d = FloatVector.fromArray(S, x, p + i).sub(bm); acc = d.fma(d, acc); }
            float t = Lanes.sum(acc);
            for (; i < c1; i++) { float d = x[p + i] - m; t += d * d; }
            s += t;
        }
        return s;
    }

    static void shiftScale(float[] x, int p, float[] y, int q, int n, float m, float s) {
        FloatVector bm = FloatVector.broadcast(S, m), bs = FloatVector.broadcast(S, s);
        int up = S.loopBound(n), i = 0;
        for (; i < up; i += L) FloatVector.fromArray(S, x, p + i).sub(bm).mul(bs).intoArray(y, q + i);
        for (; i < n; i++) y[q + i] = (x[p + i] - m) * s;
    }

    /** t = {sum(g), sum(g * (x - m)), sum(x^2) (only when l2)}. */
    static void gradSums(float[] g, int gp, float[] x, int xp, int n, float m, boolean l2, double[] t) {
        FloatVector bm = FloatVector.broadcast(S, m);
        double a0 = 0, a1 = 0, a2 = 0;
        for (int c0 = 0; c0 < n; c0 += 1024) {
            int c1 = Math.min(n, c0 + 1024), up = c0 + S.loopBound(c1 - c0), i = c0;
            FloatVector v0 = FloatVector.zero(S), v1 = FloatVector.zero(S), v2 = FloatVector.zero(S);
            for (; i < up; i += L) {
                FloatVector gv = FloatVector.fromArray(S, g, gp + i), xv = FloatVector.fromArray(S, x, xp + i);
                v0 = v0.add(gv);
                v1 = gv.fma(xv.sub(bm), v1);
                if (l2) v2 = xv.fma(xv, v2);
            }
            float t0 = Lanes.sum(v0), t1 = Lanes.sum(v1), t2 = Lanes.sum(v2);
            for (; i < c1; i++) { float gv = g[gp + i], xv = x[xp + i]; t0 += gv; t1 += gv * (xv - m); t2 += xv * xv; }
            a0 += t0; a1 += t1; a2 += t2;
        }
        t[0] = a0; t[1] = a1; t[2] = a2;
    }

    static void applyGrad(float[] g, int gp, float[] x, int xp, float[] gx, int kp, int n, float a, float b, float c, float m) {
        FloatVector va = FloatVector.broadcast(S, a), vb = FloatVector.broadcast(S, b), vc = FloatVector.broadcast(S, c), bm = FloatVector.broadcast(S, m);
        int up = S.loopBound(n), i = 0;
        for (; i < up; i += L)
            FloatVector.fromArray(S, g, gp + i).fma(va, FloatVector.fromArray(S, x, xp + i).sub(bm).fma(vb, vc)).intoArray(gx, kp + i);
        for (; i < n; i++) gx[kp + i] = a * g[gp + i] + b * (x[xp + i] - m) + c;
    }

    // ------------------------------------------------------------------ vector helpers (column blocks: inner > 1)

    static void addRow(float[] acc, float[] x, int p, int w) {
        int up = S.loopBound(w), j = 0;
        for (; j < up; j += L) FloatVector.fromArray(S, acc, j).add(FloatVector.fromArray(S, x, p + j)).intoArray(acc, j);
        for (; j < w; j++) acc[j] += x[p + j];
    }

    static void addSqDevRow(float[] acc, float[] x, int p, float[] mu, int w) {
        int up = S.loopBound(w), j = 0;
        for (; j < up; j += L) {
            FloatVector d = FloatVector.fromArray(S, x, p + j).sub(FloatVector.fromArray(S, mu, j));
            d.fma(d, FloatVector.fromArray(S, acc, j)).intoArray(acc, j);
        }
        for (; j < w; j++) { float d = x[p + j] - mu[j]; acc[j] += d * d; }
    }

    static void shiftScaleRow(float[] x, int p, float[] y, int q, float[] mu, float[] rs, int w) {
        int up = S.loopBound(w), j = 0;
        for (; j < up; j += L)
            FloatVector.fromArray(S, x, p + j).sub(FloatVector.fromArray(S, mu, j)).mul(FloatVector.fromArray(S, rs, j)).intoArray(y, q + j);
        for (; j < w; j++) y[q + j] = (x[p + j] - mu[j]) * rs[j];
    }

    /** s0 += g (CENTERED only), s1 += g * (x - mu), s2 += x^2 (L2 only), vectorised across w columns. */
    static void gradSumsRow(float[] g, int gp, float[] x, int xp, float[] mu, float[] s0, float[] s1, float[] s2, int w, boolean centered, boolean l2) {
        int up = S.loopBound(w), j = 0;
        if (centered) {
            for (; j < up; j += L) {
                FloatVector gv = FloatVector.fromArray(S, g, gp + j), xv = FloatVector.fromArray(S, x, xp + j);
                FloatVector.fromArray(S, s0, j).add(gv).intoArray(s0, j);
                gv.fma(xv.sub(FloatVector.fromArray(S, mu, j)), FloatVector.fromArray(S, s1, j)).intoArray(s1, j);
            }
        } else if (l2) {
            for (; j < up; j += L) {
                FloatVector gv = FloatVector.fromArray(S, g, gp + j), xv = FloatVector.fromArray(S, x, xp + j);
                gv.fma(xv, FloatVector.fromArray(S, s1, j)).intoArray(s1, j);
                xv.fma(xv, FloatVector.fromArray(S, s2, j)).intoArray(s2, j);
            }
        } else {
            for (; j < up; j += L)
                FloatVector.fromArray(S, g, gp + j).fma(FloatVector.fromArray(S, x, xp + j), FloatVector.fromArray(S, s1, j)).intoArray(s1, j);
        }
        for (; j < w; j++) { float gv = g[gp + j], xv = x[xp + j]; s0[j] += gv; s1[j] += gv * (xv - mu[j]); s2[j] += xv * xv; }
    }

    static void applyGradRow(float[] g, int gp, float[] x, int xp, float[] gx, int kp, float[] mu, float[] a, float[] b, float[] c, int w) {
        int up = S.loopBound(w), j = 0;
        for (; j < up; j += L) {
            FloatVector xc = FloatVector.fromArray(S, x, xp + j).sub(FloatVector.fromArray(S, mu, j));
            FloatVector.fromArray(S, g, gp + j).fma(FloatVector.fromArray(S, a, j), xc.fma(FloatVector.fromArray(S, b, j), FloatVector.fromArray(S, c, j)))
                    .intoArray(gx, kp + j);
        }
        for (; j < w; j++) gx[kp + j] = a[j] * g[gp + j] + b[j] * (x[xp + j] - mu[j]) + c[j];
    }
}
