package ssvae.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.Tensor;

/**
 * torch.softmax / torch.log_softmax along one dim of a contiguous tensor, viewed as [outer, n, inner]:
 * y = exp(x - max) / sum exp(x - max), log y = x - max - log(sum exp(x - max)) (max-shifted, so stable).
 * Backward (PyTorch _softmax_backward_data): softmax gx = y * (gy - sum(gy * y)); log_softmax gx = gy - exp(y) * sum(gy).
 * Reference: double accumulation, any float dtype. F32: rows (inner == 1) vectorised along n; inner > 1
 * vectorised across a block of inner columns. Both parallel over outer (and column blocks).
 */
final class CpuSoftmax {
    private CpuSoftmax() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Columns per work unit when inner > 1. */
    static final int IB = 256;

    static void forward(Tensor x, int dim, boolean log, Tensor out) {
        int[] s = x.shape();
        int outer = prod(s, 0, dim), n = s[dim], inner = prod(s, dim + 1, s.length);
        if (CpuNn.allF32(x, out)) forwardF32(x, outer, n, inner, log, out);
        else forwardRef(x, outer, n, inner, log, out);
    }

    static void backward(Tensor y, Tensor gy, int dim, boolean log, Tensor gx) {
        int[] s = y.shape();
        int outer = prod(s, 0, dim), n = s[dim], inner = prod(s, dim + 1, s.length);
        if (CpuNn.allF32(y, gy, gx)) backwardF32(y, gy, outer, n, inner, log, gx);
        else backwardRef(y, gy, outer, n, inner, log, gx);
    }

    static int prod(int[] s, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) p *= s[i];
        return p;
    }

    // ------------------------------------------------------------------ reference

    static void forwardRef(Tensor x, int outer, int n, int inner, boolean log, Tensor out) {
        CpuStorage xs = CpuNn.st(x), os = CpuNn.st(out);
        int xo = x.offset(), oo = out.offset();
        if (n == 0) return;
        Parallel.forRange(outer * inner, Math.max(1, 4096 / n), (a, b) -> {
            for (int u = a; u < b; u++) {
                int base = (u / inner) * n * inner + u % inner;
                double m = Double.NEGATIVE_INFINITY;
                boolean nan = false;
                for (int k = 0; k < n; k++) { double v = xs.getDouble(xo + base + k * inner); if (v != v) nan = true; else m = Math.max(m, v); }
                if (nan) m = Double.NaN;
                double sum = 0;
                for (int k = 0; k < n; k++) sum += Math.exp(xs.getDouble(xo + base + k * inner) - m);
                double ls = Math.log(sum);
                for (int k = 0; k < n; k++) {
                    double v = xs.getDouble(xo + base + k * inner) - m;
                    os.setDouble(oo + base + k * inner, log ? v - ls : Math.exp(v) / sum);
                }
            }
        });
    }

    static void backwardRef(Tensor y, Tensor gy, int outer, int n, int inner, boolean log, Tensor gx) {
        CpuStorage ys = CpuNn.st(y), gs = CpuNn.st(gy), xs = CpuNn.st(gx);
        int yo = y.offset(), go = gy.offset(), xo = gx.offset();
        if (n == 0) return;
        Parallel.forRange(outer * inner, Math.max(1, 4096 / n), (a, b) -> {
            for (int u = a; u < b; u++) {
                int base = (u / inner) * n * inner + u % inner;
                double s = 0;
                for (int k = 0; k < n; k++) {
                    int p = base + k * inner;
                    s += log ? gs.getDouble(go + p) : gs.getDouble(go + p) * ys.getDouble(yo + p);
                }
                for (int k = 0; k < n; k++) {
                    int p = base + k * inner;
                    double yv = ys.getDouble(yo + p), g = gs.getDouble(go + p);
                    xs.setDouble(xo + p, log ? g - Math.exp(yv) * s : yv * (g - s));
                }
            }
        });
    }

    // ------------------------------------------------------------------ F32

    static void forwardF32(Tensor x, int outer, int n, int inner, boolean log, Tensor out) {
        float[] xa = CpuNn.st(x).f32(), oa = CpuNn.st(out).f32();
        int xo = x.offset(), oo = out.offset();
        if (n == 0 || outer * inner == 0) return;
        if (inner == 1) {
            Parallel.forRange(outer, Math.max(1, 8192 / n), (a, b) -> {
                for (int o = a; o < b; o++) rowForward(xa, xo + o * n, oa, oo + o * n, n, log);
            });
        } else {
            int blocks = (inner + IB - 1) / IB;
            Parallel.forRange(outer * blocks, Math.max(1, 8192 / (n * Math.min(IB, inner))), (a, b) -> {
                float[] mx = new float[IB], sm = new float[IB];
                for (int u = a; u < b; u++) {
                    int o = u / blocks, j0 = (u % blocks) * IB, w = Math.min(IB, inner - j0);
                    colsForward(xa, xo + o * n * inner + j0, oa, oo + o * n * inner + j0, n, inner, w, log, mx, sm);
                }
            });
        }
    }

    private static void rowForward(float[] x, int xb, float[] y, int yb, int n, boolean log) {
        int up = S.loopBound(n), i = 0;
        FloatVector vm = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (; i < up; i += L) vm = vm.max(FloatVector.fromArray(S, x, xb + i));
        float m = vm.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, x[xb + i]);
        FloatVector bm = FloatVector.broadcast(S, m);
        double sum = 0;
        for (int c0 = 0; c0 < n; c0 += 2048) {
            int c1 = Math.min(n, c0 + 2048), cu = c0 + S.loopBound(c1 - c0);
            FloatVector acc = FloatVector.zero(S);
            int j = c0;
            for (; j < cu; j += L) {
                FloatVector e = FloatVector.fromArray(S, x, xb + j).sub(bm).lanewise(VectorOperators.EXP);
                if (!log) e.intoArray(y, yb + j);
                acc = acc.add(e);
            }
            float t = Lanes.sum(acc);
            for (; j < c1; j++) { float e = (float) Math.exp(x[xb + j] - m); if (!log) y[yb + j] = e; t += e; }
            sum += t;
        }
        i = 0;
        if (log) {
            // (x - max) is exact in float; subtracting log(sum) separately keeps large logits precise
            float ls = (float) Math.log(sum);
            FloatVector bs = FloatVector.broadcast(S, ls);
            for (; i < up; i += L) FloatVector.fromArray(S, x, xb + i).sub(bm).sub(bs).intoArray(y, yb + i);
            for (; i < n; i++) y[yb + i] = (x[xb + i] - m) - ls;
        } else {
            float inv = (float) (1.0 / sum);
            for (; i < up; i += L) FloatVector.fromArray(S, y, yb + i).mul(inv).intoArray(y, yb + i);
            for (; i < n; i++) y[yb + i] *= inv;
        }
    }

    /** w columns starting at xb/yb, n rows at stride inner. mx/sm are scratch of length >= w. */
    private static void colsForward(float[] x, int xb, float[] y, int yb, int n, int inner, int w, boolean log, float[] mx, float[] sm) {
        int up = S.loopBound(w);
        java.util.Arrays.fill(mx, 0, w, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(sm, 0, w, 0f);
        for (int k = 0; k < n; k++) {
            int p = xb + k * inner, j = 0;
            for (; j < up; j += L) FloatVector.fromArray(S, mx, j).max(FloatVector.fromArray(S, x, p + j)).intoArray(mx, j);
            for (; j < w; j++) mx[j] = Math.max(mx[j], x[p + j]);
        }
        for (int k = 0; k < n; k++) {
            int p = xb + k * inner, q = yb + k * inner, j = 0;
            for (; j < up; j += L) {
                FloatVector e = FloatVector.fromArray(S, x, p + j).sub(FloatVector.fromArray(S, mx, j)).lanewise(VectorOperators.EXP);
                if (!log) e.intoArray(y, q + j);
                FloatVector.fromArray(S, sm, j).add(e).intoArray(sm, j);
            }
            for (; j < w; j++) { float e = (float) Math.exp(x[p + j] - mx[j]); if (!log) y[q + j] = e; sm[j] += e; }
        }
        for (int j = 0; j < w; j++) sm[j] = log ? (float) Math.log(sm[j]) : 1f / sm[j];
        for (int k = 0; k < n; k++) {
            int p = xb + k * inner, q = yb + k * inner, j = 0;
            if (log) {
                for (; j < up; j += L)
                    FloatVector.fromArray(S, x, p + j).sub(FloatVector.fromArray(S, mx, j)).sub(FloatVector.fromArray(S, sm, j)).intoArray(y, q + j);
                for (; j < w; j++) y[q + j] = (x[p + j] - mx[j]) - sm[j];
            } else {
                for (; j < up; j += L) FloatVector.fromArray(S, y, q + j).mul(FloatVector.fromArray(S, sm, j)).intoArray(y, q + j);
                for (; j < w; j++) y[q + j] *= sm[j];
            }
        }
    }

    static void backwardF32(Tensor y, Tensor gy, int outer, int n, int inner, boolean log, Tensor gx) {
        float[] ya = CpuNn.st(y).f32(), ga = CpuNn.st(gy).f32(), xa = CpuNn.st(gx).f32();
        int yo = y.offset(), go = gy.offset(), xo = gx.offset();
        if (n == 0 || outer * inner == 0) return;
        if (inner == 1) {
            Parallel.forRange(outer, Math.max(1, 8192 / n), (a, b) -> {
                for (int o = a; o < b; o++) rowBackward(ya, yo + o * n, ga, go + o * n, xa, xo + o * n, n, log);
            });
        } else {
            int blocks = (inner + IB - 1) / IB;
            Parallel.forRange(outer * blocks, Math.max(1, 8192 / (n * Math.min(IB, inner))), (a, b) -> {
                float[] sm = new float[IB];
                for (int u = a; u < b; u++) {
                    int o = u / blocks, j0 = (u % blocks) * IB, w = Math.min(IB, inner - j0), off = o * n * inner + j0;
                    colsBackward(ya, yo + off, ga, go + off, xa, xo + off, n, inner, w, log, sm);
                }
            });
        }
    }

    private static void rowBackward(float[] y, int yb, float[] g, int gb, float[] gx, int xb, int n, boolean log) {
        int up = S.loopBound(n), i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (; i < up; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, gb + i);
            acc = log ? acc.add(gv) : gv.fma(FloatVector.fromArray(S, y, yb + i), acc);
        }
        double s = Lanes.sum(acc);
        for (; i < n; i++) s += log ? g[gb + i] : g[gb + i] * y[yb + i];
        float sf = (float) s;
        FloatVector bs = FloatVector.broadcast(S, sf);
        i = 0;
        if (log) {
            for (; i < up; i += L) {
                FloatVector e = FloatVector.fromArray(S, y, yb + i).lanewise(VectorOperators.EXP);
                e.mul(bs).neg().add(FloatVector.fromArray(S, g, gb + i)).intoArray(gx, xb + i);
            }
            for (; i < n; i++) gx[xb + i] = g[gb + i] - (float) Math.exp(y[yb + i]) * sf;
        } else {
            for (; i < up; i += L) FloatVector.fromArray(S, g, gb + i).sub(bs).mul(FloatVector.fromArray(S, y, yb + i)).intoArray(gx, xb + i);
            for (; i < n; i++) gx[xb + i] = y[yb + i] * (g[gb + i] - sf);
        }
    }

    private static void colsBackward(float[] y, int yb, float[] g, int gb, float[] gx, int xb, int n, int inner, int w, boolean log, float[] sm) {
        int up = S.loopBound(w);
        java.util.Arrays.fill(sm, 0, w, 0f);
        for (int k = 0; k < n; k++) {
            int p = yb + k * inner, q = gb + k * inner, j = 0;
            for (; j < up; j += L) {
                FloatVector gv = FloatVector.fromArray(S, g, q + j), sv = FloatVector.fromArray(S, sm, j);
                (log ? sv.add(gv) : gv.fma(FloatVector.fromArray(S, y, p + j), sv)).intoArray(sm, j);
            }
            for (; j < w; j++) sm[j] += log ? g[q + j] : g[q + j] * y[p + j];
        }
        for (int k = 0; k < n; k++) {
            int p = yb + k * inner, q = gb + k * inner, r = xb + k * inner, j = 0;
            if (log) {
                for (; j < up; j += L) {
                    FloatVector e = FloatVector.fromArray(S, y, p + j).lanewise(VectorOperators.EXP);
                    FloatVector.fromArray(S, g, q + j).sub(e.mul(FloatVector.fromArray(S, sm, j))).intoArray(gx, r + j);
                }
                for (; j < w; j++) gx[r + j] = g[q + j] - (float) Math.exp(y[p + j]) * sm[j];
            } else {
                for (; j < up; j += L) FloatVector.fromArray(S, g, q + j).sub(FloatVector.fromArray(S, sm, j)).mul(FloatVector.fromArray(S, y, p + j)).intoArray(gx, r + j);
                for (; j < w; j++) gx[r + j] = y[p + j] * (g[q + j] - sm[j]);
            }
        }
    }
}
