package ssvae.kernels.cpu;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.ReduceOp;
import ssvae.tensor.Tensor;

/**
 * Reductions over any set of dims. The input is viewed as kept dims x reduced dims; each output element
 * folds its reduced block (strided), accumulating F32 in double so long sums stay accurate.
 */
public final class CpuReduce {
    private CpuReduce() {}

    /** out: keepdim shape (1 in reduced dims). */
    public static void reduce(ReduceOp op, Tensor x, Tensor out) {
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

    private static double identity(ReduceOp op) {
        return switch (op) {
            case SUM -> 0; case PROD -> 1; case MAX -> Double.NEGATIVE_INFINITY; case MIN -> Double.POSITIVE_INFINITY;
            default -> throw new IllegalArgumentException(op + " is not a value reduction");
        };
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
                case SUM -> {
                    // 4 partial sums in float, folded into the double accumulator per row
                    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                    int i = 0, p = rb;
                    for (; i + 3 < inner; i += 4, p += 4 * is) { s0 += a[p]; s1 += a[p + is]; s2 += a[p + 2 * is]; s3 += a[p + 3 * is]; }
                    double t = (double) s0 + s1 + s2 + s3;
                    for (; i < inner; i++, p += is) t += a[p];
                    acc += t;
                }
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
