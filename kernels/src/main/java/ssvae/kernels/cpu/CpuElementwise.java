package ssvae.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import ssvae.tensor.BinaryOp;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.Half;
import ssvae.tensor.Tensor;
import ssvae.tensor.UnaryOp;

/**
 * Elementwise kernels: copy/cast, fill, unary, binary, where. Each has a generic path (any dtype, values
 * through {@link ScalarMath} in double: the reference) and an F32 path that uses the Vector API on unit-stride rows.
 */
public final class CpuElementwise {
    private CpuElementwise() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    static CpuStorage st(Tensor t) { return (CpuStorage) t.storage(); }

    private static boolean isInt(DType d) { return d == DType.I64 || d == DType.I32 || d == DType.U8 || d == DType.BOOL; }

    // ------------------------------------------------------------------ copy / fill

    public static void copy(Tensor src, Tensor dst) {
        StridedLoop lp = new StridedLoop(dst.shape(), src, dst);
        CpuStorage s = st(src), d = st(dst);
        int ss = lp.innerStride(0), ds = lp.innerStride(1);
        if (src.dtype() == dst.dtype()) {
            Object sa = s.array(), da = d.array();
            if (ss == 1 && ds == 1) { lp.run((b, n) -> System.arraycopy(sa, b[0], da, b[1], n)); return; }
            switch (src.dtype()) {
                case F32 -> { float[] x = s.f32(), y = d.f32(); lp.run((b, n) -> { for (int i = 0, p = b[0], q = b[1]; i < n; i++, p += ss, q += ds) y[q] = x[p]; }); }
                case F64 -> { double[] x = s.f64(), y = d.f64(); lp.run((b, n) -> { for (int i = 0, p = b[0], q = b[1]; i < n; i++, p += ss, q += ds) y[q] = x[p]; }); }
                case I64 -> { long[] x = s.i64(), y = d.i64(); lp.run((b, n) -> { for (int i = 0, p = b[0], q = b[1]; i < n; i++, p += ss, q += ds) y[q] = x[p]; }); }
                case I32 -> { int[] x = s.i32(), y = d.i32(); lp.run((b, n) -> { for (int i = 0, p = b[0], q = b[1]; i < n; i++, p += ss, q += ds) y[q] = x[p]; }); }
                case BF16, F16 -> { short[] x = s.i16(), y = d.i16(); lp.run((b, n) -> { for (int i = 0, p = b[0], q = b[1]; i < n; i++, p += ss, q += ds) y[q] = x[p]; }); }
                case U8, BOOL -> { byte[] x = s.u8(), y = d.u8(); lp.run((b, n) -> { for (int i = 0, p = b[0], q = b[1]; i < n; i++, p += ss, q += ds) y[q] = x[p]; }); }
            }
            return;
        }
        if (src.dtype() == DType.F32 && dst.dtype() == DType.F64) {
            float[] x = s.f32(); double[] y = d.f64();
            lp.run((b, n) -> { for (int i = 0, p = b[0], q = b[1]; i < n; i++, p += ss, q += ds) y[q] = x[p]; });
            return;
        }
        if (src.dtype() == DType.F64 && dst.dtype() == DType.F32) {
            double[] x = s.f64(); float[] y = d.f32();
            lp.run((b, n) -> { for (int i = 0, p = b[0], q = b[1]; i < n; i++, p += ss, q += ds) y[q] = (float) x[p]; });
            return;
        }
        if (src.dtype() == DType.F32 && (dst.dtype() == DType.BF16 || dst.dtype() == DType.F16)) {
            float[] x = s.f32(); short[] y = d.i16();
            boolean bf = dst.dtype() == DType.BF16;
            lp.run((b, n) -> { for (int i = 0, p = b[0], q = b[1]; i < n; i++, p += ss, q += ds) y[q] = bf ? Half.floatToBf16(x[p]) : Half.floatToF16(x[p]); });
            return;
        }
        if ((src.dtype() == DType.BF16 || src.dtype() == DType.F16) && dst.dtype() == DType.F32) {
            short[] x = s.i16(); float[] y = d.f32();
            boolean bf = src.dtype() == DType.BF16;
            lp.run((b, n) -> { for (int i = 0, p = b[0], q = b[1]; i < n; i++, p += ss, q += ds) y[q] = bf ? Half.bf16ToFloat(x[p]) : Half.f16ToFloat(x[p]); });
            return;
        }
        if (isInt(src.dtype()) && isInt(dst.dtype())) {
            lp.run((b, n) -> { for (int i = 0, p = b[0], q = b[1]; i < n; i++, p += ss, q += ds) d.setLong(q, s.getLong(p)); });
            return;
        }
        lp.run((b, n) -> { for (int i = 0, p = b[0], q = b[1]; i < n; i++, p += ss, q += ds) d.setDouble(q, s.getDouble(p)); });
    }

    public static void fill(Tensor dst, double v) {
        StridedLoop lp = new StridedLoop(dst.shape(), dst);
        CpuStorage d = st(dst);
        int ds = lp.innerStride(0);
        switch (dst.dtype()) {
            case F32 -> { float[] y = d.f32(); float fv = (float) v; lp.run((b, n) -> { for (int i = 0, q = b[0]; i < n; i++, q += ds) y[q] = fv; }); }
            case F64 -> { double[] y = d.f64(); lp.run((b, n) -> { for (int i = 0, q = b[0]; i < n; i++, q += ds) y[q] = v; }); }
            case I64 -> { long[] y = d.i64(); long lv = (long) v; lp.run((b, n) -> { for (int i = 0, q = b[0]; i < n; i++, q += ds) y[q] = lv; }); }
            default -> lp.run((b, n) -> { for (int i = 0, q = b[0]; i < n; i++, q += ds) d.setDouble(q, v); });
        }
    }

    // ------------------------------------------------------------------ unary

    public static void unary(UnaryOp op, Tensor x, Tensor out, double a, double b) {
        StridedLoop lp = new StridedLoop(out.shape(), x, out);
        CpuStorage s = st(x), d = st(out);
        int xs = lp.innerStride(0), ys = lp.innerStride(1);
        if (x.dtype() == DType.F32 && out.dtype() == DType.F32) {
            float[] xa = s.f32(), ya = d.f32();
            float fa = (float) a, fb = (float) b;
            if (xs == 1 && ys == 1) lp.run((bs, n) -> unaryF32Row(op, xa, bs[0], ya, bs[1], n, fa, fb, a, b));
            else if (vectorised(op) && xs != 0) lp.run((bs, n) -> unaryF32Strided(op, xa, bs[0], xs, ya, bs[1], ys, n, fa, fb, a, b));
            else lp.run((bs, n) -> { for (int i = 0, p = bs[0], q = bs[1]; i < n; i++, p += xs, q += ys) ya[q] = (float) ScalarMath.unary(op, xa[p], a, b); });
            return;
        }
        if (x.dtype() == DType.F64 && out.dtype() == DType.F64) {
            double[] xa = s.f64(), ya = d.f64();
            lp.run((bs, n) -> { for (int i = 0, p = bs[0], q = bs[1]; i < n; i++, p += xs, q += ys) ya[q] = ScalarMath.unary(op, xa[p], a, b); });
            return;
        }
        lp.run((bs, n) -> { for (int i = 0, p = bs[0], q = bs[1]; i < n; i++, p += xs, q += ys) d.setDouble(q, ScalarMath.unary(op, s.getDouble(p), a, b)); });
    }

    /** Ops with a vector implementation in {@link #unaryF32Row}. */
    static boolean vectorised(UnaryOp op) {
        return switch (op) {
            case AFFINE, NEG, SQUARE, ABS, SQRT, RSQRT, RECIPROCAL, EXP, LOG, TANH, RELU, CLAMP, LEAKY_RELU, SIGMOID, SILU, SILU_GRAD -> true;
            default -> false;
        };
    }

    private static final int TILE = 1024;
    private static final ThreadLocal<float[]> TILE_BUF = ThreadLocal.withInitial(() -> new float[TILE]);

    /** A strided row (permuted or sliced input/output) through the vector row kernel in tiles of TILE elements. */
    static void unaryF32Strided(UnaryOp op, float[] x, int xo, int xs, float[] y, int yo, int ys, int n, float fa, float fb, double a, double b) {
        float[] buf = TILE_BUF.get();
        for (int c = 0; c < n; c += TILE) {
            int m = Math.min(TILE, n - c);
            for (int i = 0, p = xo + c * xs; i < m; i++, p += xs) buf[i] = x[p];
            unaryF32Row(op, buf, 0, buf, 0, m, fa, fb, a, b);
            for (int i = 0, q = yo + c * ys; i < m; i++, q += ys) y[q] = buf[i];
        }
    }

    /** F32 unit-stride row; vectorised for the ops that dominate model code, scalar reference for the rest. */
    static void unaryF32Row(UnaryOp op, float[] x, int xo, float[] y, int yo, int n, float fa, float fb, double a, double b) {
        int i = 0;
        int up = S.loopBound(n);
        switch (op) {
            case AFFINE -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).fma(fa, fb).intoArray(y, yo + i); }
            case NEG -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).neg().intoArray(y, yo + i); }
            case SQUARE -> { for (; i < up; i += L) { var v = FloatVector.fromArray(S, x, xo + i); v.mul(v).intoArray(y, yo + i); } }
            case ABS -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).abs().intoArray(y, yo + i); }
            case SQRT -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).sqrt().intoArray(y, yo + i); }
            case RSQRT -> { for (; i < up; i += L) FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, x, xo + i).sqrt()).intoArray(y, yo + i); }
            case RECIPROCAL -> { for (; i < up; i += L) FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i); }
            case EXP -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.EXP).intoArray(y, yo + i); }
            case LOG -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.LOG).intoArray(y, yo + i); }
            case TANH -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.TANH).intoArray(y, yo + i); }
            case RELU -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).max(0f).intoArray(y, yo + i); }
            case CLAMP -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).max(fa).min(fb).intoArray(y, yo + i); }
            case LEAKY_RELU -> { for (; i < up; i += L) { var v = FloatVector.fromArray(S, x, xo + i); v.blend(v.mul(fa), v.compare(VectorOperators.LE, 0f)).intoArray(y, yo + i); } }
            case SIGMOID -> { for (; i < up; i += L) { var v = FloatVector.fromArray(S, x, xo + i); sigmoidV(v).intoArray(y, yo + i); } }
            case SILU -> { for (; i < up; i += L) { var v = FloatVector.fromArray(S, x, xo + i); v.mul(sigmoidV(v)).intoArray(y, yo + i); } }
            case SILU_GRAD -> { for (; i < up; i += L) {
                // s * (1 + x * (1 - s)) with 1 - s = e * s, e = exp(-x): no cancellation in 1 - s for large x;
                // e is capped at exp(80) so e * s stays finite where s underflows (the result is ~0 there anyway)
                var v = FloatVector.fromArray(S, x, xo + i);
                var e = v.neg().min(80f).lanewise(VectorOperators.EXP);
                var sg = FloatVector.broadcast(S, 1f).div(e.add(1f));
                sg.mul(v.mul(e.mul(sg)).add(1f))
                        .blend(0f, v.compare(VectorOperators.LT, -80f))            // |silu'(x)| < 1e-33 there; limit 0 at -inf
                        .blend(1f, v.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY)) // limit 1 at +inf
                        .intoArray(y, yo + i); } }
            default -> { /* scalar below */ }
        }
        for (; i < n; i++) y[yo + i] = (float) ScalarMath.unary(op, x[xo + i], a, b);
    }

    /** 1/(1+exp(-v)), NaN-free for large |v| (exp overflow gives 1/inf = 0). */
    static FloatVector sigmoidV(FloatVector v) {
        return FloatVector.broadcast(S, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f));
    }

    // ------------------------------------------------------------------ binary

    public static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        StridedLoop lp = new StridedLoop(out.shape(), a, b, out);
        CpuStorage sa = st(a), sb = st(b), so = st(out);
        int as = lp.innerStride(0), bs = lp.innerStride(1), os = lp.innerStride(2);
        if (a.dtype() == DType.F32 && b.dtype() == DType.F32 && out.dtype() == DType.F32) {
            float[] x = sa.f32(), y = sb.f32(), z = so.f32();
            lp.run((base, n) -> binaryF32Row(op, x, base[0], as, y, base[1], bs, z, base[2], os, n));
            return;
        }
        if (a.dtype() == DType.F64 && b.dtype() == DType.F64 && out.dtype() == DType.F64) {
            double[] x = sa.f64(), y = sb.f64(), z = so.f64();
            lp.run((base, n) -> { for (int i = 0, p = base[0], q = base[1], r = base[2]; i < n; i++, p += as, q += bs, r += os)
                z[r] = ScalarMath.binary(op, x[p], y[q]); });
            return;
        }
        if (isInt(a.dtype()) && isInt(b.dtype()) && (isInt(out.dtype()))) {
            lp.run((base, n) -> { for (int i = 0, p = base[0], q = base[1], r = base[2]; i < n; i++, p += as, q += bs, r += os)
                so.setLong(r, ScalarMath.binaryLong(op, sa.getLong(p), sb.getLong(q))); });
            return;
        }
        lp.run((base, n) -> { for (int i = 0, p = base[0], q = base[1], r = base[2]; i < n; i++, p += as, q += bs, r += os)
            so.setDouble(r, ScalarMath.binary(op, sa.getDouble(p), sb.getDouble(q))); });
    }

    static void binaryF32Row(BinaryOp op, float[] x, int xo, int xs, float[] y, int yo, int ys, float[] z, int zo, int zs, int n) {
        int i = 0;
        // Separate loops per operand layout, and no null vectors: C2 crashed (SIGSEGV) on a ternary that
        // selected between a null broadcast vector and a load inside the loop.
        if (zs == 1 && xs == 1 && ys == 1) {
            int up = S.loopBound(n);
            switch (op) {
                case ADD -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).add(FloatVector.fromArray(S, y, yo + i)).intoArray(z, zo + i); }
                case SUB -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).sub(FloatVector.fromArray(S, y, yo + i)).intoArray(z, zo + i); }
                case MUL -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).mul(FloatVector.fromArray(S, y, yo + i)).intoArray(z, zo + i); }
                case DIV -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).div(FloatVector.fromArray(S, y, yo + i)).intoArray(z, zo + i); }
                default -> { }
            }
        } else if (zs == 1 && xs == 1 && ys == 0 && n > 0) {
            int up = S.loopBound(n);
            FloatVector yb = FloatVector.broadcast(S, y[yo]);
            switch (op) {
                case ADD -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).add(yb).intoArray(z, zo + i); }
                case SUB -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).sub(yb).intoArray(z, zo + i); }
                case MUL -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).mul(yb).intoArray(z, zo + i); }
                case DIV -> { for (; i < up; i += L) FloatVector.fromArray(S, x, xo + i).div(yb).intoArray(z, zo + i); }
                default -> { }
            }
        } else if (zs == 1 && xs == 0 && ys == 1 && n > 0) {
            int up = S.loopBound(n);
            FloatVector xb = FloatVector.broadcast(S, x[xo]);
            switch (op) {
                case ADD -> { for (; i < up; i += L) xb.add(FloatVector.fromArray(S, y, yo + i)).intoArray(z, zo + i); }
                case SUB -> { for (; i < up; i += L) xb.sub(FloatVector.fromArray(S, y, yo + i)).intoArray(z, zo + i); }
                case MUL -> { for (; i < up; i += L) xb.mul(FloatVector.fromArray(S, y, yo + i)).intoArray(z, zo + i); }
                case DIV -> { for (; i < up; i += L) xb.div(FloatVector.fromArray(S, y, yo + i)).intoArray(z, zo + i); }
                default -> { }
            }
        }
        int p = xo + i * xs, q = yo + i * ys, r = zo + i * zs;
        switch (op) {
            case ADD -> { for (; i < n; i++, p += xs, q += ys, r += zs) z[r] = x[p] + y[q]; }
            case SUB -> { for (; i < n; i++, p += xs, q += ys, r += zs) z[r] = x[p] - y[q]; }
            case MUL -> { for (; i < n; i++, p += xs, q += ys, r += zs) z[r] = x[p] * y[q]; }
            case DIV -> { for (; i < n; i++, p += xs, q += ys, r += zs) z[r] = x[p] / y[q]; }
            default -> { for (; i < n; i++, p += xs, q += ys, r += zs) z[r] = (float) ScalarMath.binary(op, x[p], y[q]); }
        }
    }

    // ------------------------------------------------------------------ where

    public static void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        StridedLoop lp = new StridedLoop(out.shape(), cond, a, b, out);
        CpuStorage sc = st(cond), sa = st(a), sb = st(b), so = st(out);
        int cs = lp.innerStride(0), as = lp.innerStride(1), bs = lp.innerStride(2), os = lp.innerStride(3);
        if (cond.dtype() == DType.BOOL && out.dtype() == DType.F32 && a.dtype() == DType.F32 && b.dtype() == DType.F32) {
            byte[] c = sc.u8(); float[] x = sa.f32(), y = sb.f32(), z = so.f32();
            lp.run((base, n) -> { for (int i = 0, k = base[0], p = base[1], q = base[2], r = base[3]; i < n; i++, k += cs, p += as, q += bs, r += os)
                z[r] = c[k] != 0 ? x[p] : y[q]; });
            return;
        }
        boolean ints = isInt(out.dtype());
        lp.run((base, n) -> { for (int i = 0, k = base[0], p = base[1], q = base[2], r = base[3]; i < n; i++, k += cs, p += as, q += bs, r += os) {
            boolean c = sc.getDouble(k) != 0;
            if (ints) so.setLong(r, c ? sa.getLong(p) : sb.getLong(q));
            else so.setDouble(r, c ? sa.getDouble(p) : sb.getDouble(q));
        } });
    }
}
