package ssvae.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.ReduceOp;
import ssvae.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Reductions over any set of dims (torch.sum/prod/amax/amin with keepdim). F32 SUM/MAX/MIN take a vectorised path
 * once the dims are sorted by stride and merged: either the reduced dims end in a unit-stride row (inner mode: each
 * output folds contiguous rows with vector accumulators) or the kept dims do (outer mode: rows of outputs are
 * accumulated with vectors across the reduced indices). F32 sums fold float vector partials of at most
 * {@link #BLOCK} elements into double, so long sums stay accurate to ~1e-7 relative. Work is cut into
 * fixed chunks of the reduced range whose partials are combined in a fixed order: results do not depend on the
 * thread count. Reduced rows that are strided (slices with a step) use the same chunking with a scalar fold;
 * everything else (zero strides, kept dims innermost but strided, PROD, F64, integers) goes through the generic
 * scalar double fold, which is also the reference the tests compare with.
 */
public final class CpuReduce {
    private CpuReduce() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Reduced elements per task (fixed, so partial sums are thread-count independent). */
    static final int CHUNK = 1 << 15;
    /** Float accumulation span before folding into double. */
    static final int BLOCK = 1024;

    /** out: keepdim shape (1 in reduced dims). */
    public static void reduce(ReduceOp op, Tensor x, Tensor out) {
        if (x.dtype() == DType.F32 && out.dtype() == DType.F32 && op != ReduceOp.PROD && x.numel() > 0 && reduceF32(op, x, out)) return;
        reduceGeneric(op, x, out);
    }

    // ------------------------------------------------------------------ F32 vector paths

    private record Dim(int size, int xs, int os, boolean red) {}

    /**
     * Returns false when the layout does not fit (a zero stride, or kept dims innermost without unit stride); then the
     * generic fold runs. Negative strides (flip) are turned positive first: for a reduced dim the order does not
     * matter, for a kept dim the output index is mirrored along with the input one.
     */
    private static boolean reduceF32(ReduceOp op, Tensor x, Tensor out) {
        int[] xsh = x.shape(), xst = x.strides(), osh = out.shape(), ost = out.strides();
        int xoff = x.offset(), ooff = out.offset();
        List<Dim> dims = new ArrayList<>();
        for (int d = 0; d < xsh.length; d++) {
            if (xsh[d] == 1) continue;
            boolean red = osh[d] == 1;
            int xs = xst[d], os = ost[d];
            if (xs == 0) return false;
            if (xs < 0) {
                xoff += (xsh[d] - 1) * xs; xs = -xs;
                if (!red) { ooff += (xsh[d] - 1) * os; os = -os; }
            }
            dims.add(new Dim(xsh[d], xs, os, red));
        }
        if (dims.isEmpty()) return false;
        dims.sort((a, b) -> Integer.compare(b.xs, a.xs)); // outermost (largest stride) first; stable
        List<Dim> m = new ArrayList<>();
        for (Dim d : dims) {
            if (!m.isEmpty()) {
                Dim p = m.get(m.size() - 1);
                if (p.red == d.red && p.xs == d.xs * d.size && (d.red || p.os == d.os * d.size)) {
                    m.set(m.size() - 1, new Dim(p.size * d.size, d.xs, d.os, d.red));
                    continue;
                }
            }
            m.add(d);
        }
        Dim last = m.get(m.size() - 1);
        if (last.xs != 1 && !last.red) return false;
        List<Dim> kept = new ArrayList<>(), red = new ArrayList<>();
        for (Dim d : m.subList(0, m.size() - 1)) (d.red ? red : kept).add(d);
        float[] a = ((CpuStorage) x.storage()).f32(), o = ((CpuStorage) out.storage()).f32();
        if (last.red) inner(op, a, xoff, o, ooff, kept, red, last.size, last.xs);
        else outer(op, a, xoff, o, ooff, kept, red, last);
        return true;
    }

    private static int prod(List<Dim> ds) { long n = 1; for (Dim d : ds) n *= d.size; return (int) n; }

    /** x offset (or out offset when outSide) of flat index i over dims ds (row-major). */
    private static int offsetOf(List<Dim> ds, int i, boolean outSide) {
        int off = 0;
        for (int k = ds.size() - 1; k >= 0; k--) {
            Dim d = ds.get(k);
            int ix = i % d.size; i /= d.size;
            off += ix * (outSide ? d.os : d.xs);
        }
        return off;
    }

    private static double identity(ReduceOp op) {
        return switch (op) {
            case SUM -> 0; case PROD -> 1; case MAX -> Double.NEGATIVE_INFINITY; case MIN -> Double.POSITIVE_INFINITY;
            default -> throw new IllegalArgumentException(op + " is not a value reduction");
        };
    }

    /** Combines two partials; NaN propagates (Math.max/min do so). */
    private static double combine(ReduceOp op, double acc, double v) {
        return switch (op) { case SUM -> acc + v; case MAX -> Math.max(acc, v); case MIN -> Math.min(acc, v); default -> acc * v; };
    }

    /** Reduced dims end in a contiguous row of rowLen: out[k] = fold over rows (outer reduced dims) x row. */
    private static void inner(ReduceOp op, float[] a, int xoff, float[] o, int ooff, List<Dim> kept, List<Dim> outerRed, int rowLen, int rs) {
        int nOut = prod(kept), nRows = prod(outerRed);
        long nRedL = (long) nRows * rowLen;
        int nRed = (int) nRedL;
        int cpo = (int) ((nRedL + CHUNK - 1) / CHUNK);
        double[] part = new double[nOut * cpo];
        int tasks = nOut * cpo;
        Parallel.forRange(tasks, Math.max(1, CHUNK / Math.max(nRed, 1)), (s, e) -> {
            for (int t = s; t < e; t++) {
                int k = t / cpo, c = t % cpo;
                int xb = xoff + offsetOf(kept, k, false);
                int f = c * CHUNK, end = (int) Math.min((long) f + CHUNK, nRedL);
                double acc = identity(op);
                while (f < end) {
                    int row = f / rowLen, col = f % rowLen;
                    int len = Math.min(rowLen - col, end - f);
                    int p = xb + offsetOf(outerRed, row, false) + col * rs;
                    double v = rs != 1 ? stridedRow(op, a, p, rs, len) : op == ReduceOp.SUM ? sumRow(a, p, len) : extremeRow(op, a, p, len);
                    acc = combine(op, acc, v);
                    f += len;
                }
                part[t] = acc;
            }
        });
        for (int k = 0; k < nOut; k++) {
            double acc = part[k * cpo];
            for (int c = 1; c < cpo; c++) acc = combine(op, acc, part[k * cpo + c]);
            o[ooff + offsetOf(kept, k, true)] = (float) acc;
        }
    }

    /** Sum of a[p .. p+len) with float vector partials folded into double every BLOCK elements. */
    static double sumRow(float[] a, int p, int len) {
        double total = 0;
        for (int i = 0; i < len; i += BLOCK) {
            int blk = Math.min(BLOCK, len - i), base = p + i, j = 0;
            FloatVector v0 = FloatVector.zero(S), v1 = v0, v2 = v0, v3 = v0;
            for (; j + 4 * L <= blk; j += 4 * L) {
                v0 = v0.add(FloatVector.fromArray(S, a, base + j));
                v1 = v1.add(FloatVector.fromArray(S, a, base + j + L));
                v2 = v2.add(FloatVector.fromArray(S, a, base + j + 2 * L));
                v3 = v3.add(FloatVector.fromArray(S, a, base + j + 3 * L));
            }
            for (; j + L <= blk; j += L) v0 = v0.add(FloatVector.fromArray(S, a, base + j));
            double t = Lanes.sum(v0.add(v1).add(v2.add(v3)));
            for (; j < blk; j++) t += a[base + j];
            total += t;
        }
        return total;
    }

    /** Sum / max / min of a[p + i*rs] for i < len (scalar, double accumulator; NaN propagates). */
    static double stridedRow(ReduceOp op, float[] a, int p, int rs, int len) {
        double acc = identity(op);
        switch (op) {
            case SUM -> { for (int i = 0; i < len; i++, p += rs) acc += a[p]; }
            case MAX -> { for (int i = 0; i < len; i++, p += rs) acc = Math.max(acc, a[p]); }
            default -> { for (int i = 0; i < len; i++, p += rs) acc = Math.min(acc, a[p]); }
        }
        return acc;
    }

    /** Max or min of a[p .. p+len); NaN propagates. */
    static double extremeRow(ReduceOp op, float[] a, int p, int len) {
        boolean max = op == ReduceOp.MAX;
        float init = max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        FloatVector v = FloatVector.broadcast(S, init);
        int j = 0;
        for (; j + L <= len; j += L) {
            FloatVector w = FloatVector.fromArray(S, a, p + j);
            v = max ? v.max(w) : v.min(w);
        }
        float r = v.reduceLanes(max ? VectorOperators.MAX : VectorOperators.MIN);
        for (; j < len; j++) r = max ? Math.max(r, a[p + j]) : Math.min(r, a[p + j]);
        return r;
    }

    /** Columns of width COLS per task in outer mode. */
    static final int COLS = 1024;
    /** Rows summed in float before folding into the double accumulator (outer mode). */
    static final int FLUSH = 64;

    /** Kept dims end in a contiguous row (last): out[k, j] = fold over reduced indices r of x[k, r, j]. */
    private static void outer(ReduceOp op, float[] a, int xoff, float[] o, int ooff, List<Dim> keptOuter, List<Dim> red, Dim last) {
        int nK = prod(keptOuter), nRed = prod(red), width = last.size;
        int nCb = (width + COLS - 1) / COLS;
        int cw = Math.min(width, COLS);
        int rch = Math.max(1, CHUNK / cw);
        int nRc = (nRed + rch - 1) / rch;
        int tasks = nK * nCb * nRc;
        double[][] part = new double[tasks][];
        Parallel.forRange(tasks, 1, (s, e) -> {
            float[] acc = new float[COLS];
            for (int t = s; t < e; t++) {
                int rc = t % nRc, cb = (t / nRc) % nCb, k = t / (nRc * nCb);
                int c0 = cb * COLS, w = Math.min(COLS, width - c0);
                int xb = xoff + offsetOf(keptOuter, k, false) + c0;
                int r0 = rc * rch, r1 = Math.min(nRed, r0 + rch);
                double[] d = new double[w];
                float init = (float) identity(op);
                java.util.Arrays.fill(acc, 0, w, init);
                if (op != ReduceOp.SUM) java.util.Arrays.fill(d, init);
                int cnt = 0;
                int up = S.loopBound(w);
                for (int r = r0; r < r1; r++) {
                    int p = xb + offsetOf(red, r, false);
                    int j = 0;
                    switch (op) {
                        case SUM -> {
                            for (; j < up; j += L) FloatVector.fromArray(S, a, p + j).add(FloatVector.fromArray(S, acc, j)).intoArray(acc, j);
                            for (; j < w; j++) acc[j] += a[p + j];
                        }
                        case MAX -> {
                            for (; j < up; j += L) FloatVector.fromArray(S, a, p + j).max(FloatVector.fromArray(S, acc, j)).intoArray(acc, j);
                            for (; j < w; j++) acc[j] = Math.max(acc[j], a[p + j]);
                        }
                        default -> {
                            for (; j < up; j += L) FloatVector.fromArray(S, a, p + j).min(FloatVector.fromArray(S, acc, j)).intoArray(acc, j);
                            for (; j < w; j++) acc[j] = Math.min(acc[j], a[p + j]);
                        }
                    }
                    if (op == ReduceOp.SUM && ++cnt == FLUSH) {
                        for (j = 0; j < w; j++) { d[j] += acc[j]; acc[j] = 0; }
                        cnt = 0;
                    }
                }
                for (int j = 0; j < w; j++) d[j] = combine(op, d[j], acc[j]);
                part[t] = d;
            }
        });
        for (int k = 0; k < nK; k++) {
            int ob = ooff + offsetOf(keptOuter, k, true);
            for (int cb = 0; cb < nCb; cb++) {
                int base = (k * nCb + cb) * nRc, c0 = cb * COLS;
                double[] acc = part[base].clone();
                for (int rc = 1; rc < nRc; rc++) {
                    double[] q = part[base + rc];
                    for (int j = 0; j < acc.length; j++) acc[j] = combine(op, acc[j], q[j]);
                }
                for (int j = 0; j < acc.length; j++) o[ob + (c0 + j) * last.os] = (float) acc[j];
            }
        }
    }

    // ------------------------------------------------------------------ generic scalar fold (the reference path)

    /** Any dtype and layout: each output folds its reduced block in double. */
    static void reduceGeneric(ReduceOp op, Tensor x, Tensor out) {
        int[] xs = x.shape(), os = out.shape(), xst = x.strides();
        int r = xs.length;
        // split dims into kept (size preserved) and reduced
        int cK = 0, cR = 0;
        for (int d = 0; d < r; d++) if (os[d] == xs[d] && xs[d] != 1) cK++; else if (os[d] == 1 && xs[d] != 1) cR++;
        final int nk = cK, nr = cR;
        int[] kShape = new int[nk], kStride = new int[nk], rShape = new int[nr], rStride = new int[nr];
        int ki = 0, ri = 0;
        int[] ost = out.strides();
        int[] kOutStride = new int[nk];
        for (int d = 0; d < r; d++) {
            if (xs[d] == 1) continue;
            if (os[d] == xs[d]) { kShape[ki] = xs[d]; kStride[ki] = xst[d]; kOutStride[ki] = ost[d]; ki++; }
            else { rShape[ri] = xs[d]; rStride[ri] = xst[d]; ri++; }
        }
        int nOut = 1; for (int s : kShape) nOut *= s;
        int nRed = 1; for (int s : rShape) nRed *= s;
        CpuStorage sx = (CpuStorage) x.storage(), so = (CpuStorage) out.storage();
        boolean f32 = x.dtype() == DType.F32, f64 = x.dtype() == DType.F64;
        boolean isInt = !x.dtype().floating;
        int xoff = x.offset(), ooff = out.offset();
        // innermost reduced dim: make it the fastest-varying (usually the unit-stride one)
        int grain = Math.max(1, 16384 / Math.max(nRed, 1));
        final int fnRed = nRed;
        Parallel.forRange(nOut, grain, (s, e) -> {
            int[] kIdx = new int[nk];
            int[] rIdx = new int[nr];
            for (int o = s; o < e; o++) {
                int rem = o, xb = xoff, ob = ooff;
                for (int d = nk - 1; d >= 0; d--) { kIdx[d] = rem % kShape[d]; rem /= kShape[d]; xb += kIdx[d] * kStride[d]; ob += kIdx[d] * kOutStride[d]; }
                if (f32 && nr >= 1) {
                    so.setDouble(ob, foldF32(op, sx.f32(), xb, rShape, rStride, rIdx, fnRed));
                } else if (isInt && op != ReduceOp.PROD) {
                    so.setLong(ob, foldLong(op, sx, xb, rShape, rStride, rIdx, fnRed));
                } else {
                    so.setDouble(ob, foldGeneric(op, sx, xb, rShape, rStride, rIdx, fnRed, f64));
                }
            }
        });
    }

    private static double foldF32(ReduceOp op, float[] a, int base, int[] rShape, int[] rStride, int[] rIdx, int n) {
        int nr = rShape.length;
        int inner = rShape[nr - 1], is = rStride[nr - 1];
        int rows = n / Math.max(inner, 1);
        java.util.Arrays.fill(rIdx, 0);
        int rb = base;
        double acc = identity(op);
        boolean nan = false;
        for (int row = 0; row < rows; row++) {
            switch (op) {
                case SUM -> { for (int i = 0, p = rb; i < inner; i++, p += is) acc += a[p]; }
                case PROD -> { for (int i = 0, p = rb; i < inner; i++, p += is) acc *= a[p]; }
                case MAX -> { for (int i = 0, p = rb; i < inner; i++, p += is) { float v = a[p]; if (v != v) nan = true; else if (v > acc) acc = v; } }
                case MIN -> { for (int i = 0, p = rb; i < inner; i++, p += is) { float v = a[p]; if (v != v) nan = true; else if (v < acc) acc = v; } }
                default -> throw new IllegalArgumentException(op.toString());
            }
            for (int d = nr - 2; d >= 0; d--) {
                rIdx[d]++; rb += rStride[d];
                if (rIdx[d] < rShape[d]) break;
                rb -= rStride[d] * rShape[d]; rIdx[d] = 0;
            }
        }
        return nan ? Double.NaN : acc;
    }

    private static double foldGeneric(ReduceOp op, CpuStorage s, int base, int[] rShape, int[] rStride, int[] rIdx, int n, boolean f64) {
        int nr = rShape.length;
        java.util.Arrays.fill(rIdx, 0);
        int p = base;
        double acc = identity(op);
        boolean nan = false;
        double[] arr = f64 ? s.f64() : null;
        for (int k = 0; k < n; k++) {
            double v = arr != null ? arr[p] : s.getDouble(p);
            switch (op) {
                case SUM -> acc += v;
                case PROD -> acc *= v;
                case MAX -> { if (v != v) nan = true; else if (v > acc) acc = v; }
                case MIN -> { if (v != v) nan = true; else if (v < acc) acc = v; }
                default -> throw new IllegalArgumentException(op.toString());
            }
            for (int d = nr - 1; d >= 0; d--) {
                rIdx[d]++; p += rStride[d];
                if (rIdx[d] < rShape[d]) break;
                p -= rStride[d] * rShape[d]; rIdx[d] = 0;
            }
        }
        return nan ? Double.NaN : acc;
    }

    private static long foldLong(ReduceOp op, CpuStorage s, int base, int[] rShape, int[] rStride, int[] rIdx, int n) {
        int nr = rShape.length;
        java.util.Arrays.fill(rIdx, 0);
        int p = base;
        long acc = switch (op) { case SUM -> 0; case MAX -> Long.MIN_VALUE; case MIN -> Long.MAX_VALUE; default -> 1; };
        for (int k = 0; k < n; k++) {
            long v = s.getLong(p);
            switch (op) {
                case SUM -> acc += v;
                case MAX -> acc = Math.max(acc, v);
                case MIN -> acc = Math.min(acc, v);
                default -> acc *= v;
            }
            for (int d = nr - 1; d >= 0; d--) {
                rIdx[d]++; p += rStride[d];
                if (rIdx[d] < rShape[d]) break;
                p -= rStride[d] * rShape[d]; rIdx[d] = 0;
            }
        }
        return acc;
    }

    /** ARGMAX/ARGMIN along dim (first occurrence; NaN wins as in PyTorch). out: I64 keepdim shape. */
    public static void argReduce(ReduceOp op, Tensor x, int dim, Tensor out) {
        int[] xs = x.shape(), xst = x.strides(), ost = out.strides();
        int r = xs.length;
        int n = xs[dim], st = xst[dim];
        int nOut = out.numel();
        CpuStorage sx = (CpuStorage) x.storage(), so = (CpuStorage) out.storage();
        boolean max = op == ReduceOp.ARGMAX;
        Parallel.forRange(nOut, 1024, (s, e) -> {
            for (int o = s; o < e; o++) {
                int rem = o, xb = x.offset(), ob = out.offset();
                for (int d = r - 1; d >= 0; d--) {
                    int sz = d == dim ? 1 : xs[d];
                    int i = rem % sz; rem /= sz;
                    xb += i * xst[d]; ob += i * ost[d];
                }
                int best = 0;
                double bv = sx.getDouble(xb);
                for (int i = 1; i < n && bv == bv; i++) {
                    double v = sx.getDouble(xb + i * st);
                    if (v != v || (max ? v > bv : v < bv)) { bv = v; best = i; }
                }
                so.setLong(ob, best);
            }
        });
    }
}
