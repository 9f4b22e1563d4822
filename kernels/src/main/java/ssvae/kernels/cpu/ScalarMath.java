package ssvae.kernels.cpu;

import ssvae.tensor.BinaryOp;
import ssvae.tensor.UnaryOp;

/** The one definition of each elementwise op's value, in double precision (the reference for every kernel). */
public final class ScalarMath {
    private ScalarMath() {}

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double INV_SQRT_2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    public static double sigmoid(double x) { return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)); }

    /** erf with |error| < 1.2e-16 relative-ish: Abramowitz-Stegun is too coarse, so use a series / continued fraction. */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            // Taylor series: erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else if (ax > 6) {
            r = 1;
        } else {
            // continued fraction for erfc
            double x2 = ax * ax;
            double f = 0;
            for (int n = 60; n >= 1; n--) f = n / 2.0 / (ax + f);
            r = 1 - Math.exp(-x2) / Math.sqrt(Math.PI) / (ax + f);
        }
        return x < 0 ? -r : r;
    }

    public static double unary(UnaryOp op, double x, double a, double b) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1 / Math.sqrt(x);
            case ABS -> Math.abs(x);
            case SIGN -> x > 0 ? 1 : x < 0 ? -1 : (Double.isNaN(x) ? x : 0);
            case SIGMOID -> sigmoid(x);
            case TANH -> Math.tanh(x);
            case RELU -> x > 0 ? x : (Double.isNaN(x) ? x : 0);
            case SILU -> x * sigmoid(x);
            case GELU -> 0.5 * x * (1 + erf(x * INV_SQRT_2));
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
            case SQUARE -> x * x;
            case RECIPROCAL -> 1 / x;
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case FLOOR -> Math.floor(x);
            case CEIL -> Math.ceil(x);
            case ROUND -> Math.rint(x);
            case LOG1P -> Math.log1p(x);
            case EXPM1 -> Math.expm1(x);
            case ERF -> erf(x);
            case LEAKY_RELU -> x > 0 ? x : a * x;
            case AFFINE -> a * x + b;
            case POW -> Math.pow(x, a);
            case CLAMP -> Double.isNaN(x) ? x : Math.min(Math.max(x, a), b);
            case RPOW -> Math.pow(a, x);
            case ISNAN -> Double.isNaN(x) ? 1 : 0;
            case ISFINITE -> Double.isFinite(x) ? 1 : 0;
            case NOT -> x == 0 ? 1 : 0;
            case SIGMOID_GRAD -> { double s = sigmoid(x); yield s * (1 - s); }
            case TANH_GRAD -> { double t = Math.tanh(x); yield 1 - t * t; }
            case SILU_GRAD -> { // the limits 0 at -inf and 1 at +inf instead of 0 * inf
                double s = sigmoid(x);
                yield x == Double.POSITIVE_INFINITY ? 1 : s == 0 ? 0 : s * (1 + x * (1 - s));
            }
            case GELU_GRAD -> 0.5 * (1 + erf(x * INV_SQRT_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
            case GELU_TANH_GRAD -> {
                double inner = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
                double t = Math.tanh(inner);
                yield 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
            }
            case LEAKY_RELU_GRAD -> x > 0 ? 1 : a;
            case CLAMP_GRAD -> (x >= a && x <= b) ? 1 : 0;
            case POW_GRAD -> a == 0 ? 0 : a * Math.pow(x, a - 1);
            case ERF_GRAD -> 2 / Math.sqrt(Math.PI) * Math.exp(-x * x);
        };
    }

    /** True when the op's result is BOOL regardless of input. */
    public static boolean boolResult(UnaryOp op) { return op == UnaryOp.ISNAN || op == UnaryOp.ISFINITE || op == UnaryOp.NOT; }

    public static double binary(BinaryOp op, double x, double y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case POW -> Math.pow(x, y);
            case MAX -> (Double.isNaN(x) || Double.isNaN(y)) ? Double.NaN : Math.max(x, y);
            case MIN -> (Double.isNaN(x) || Double.isNaN(y)) ? Double.NaN : Math.min(x, y);
            case ATAN2 -> Math.atan2(x, y);
            case EQ -> x == y ? 1 : 0;
            case NE -> x != y ? 1 : 0;
            case LT -> x < y ? 1 : 0;
            case LE -> x <= y ? 1 : 0;
            case GT -> x > y ? 1 : 0;
            case GE -> x >= y ? 1 : 0;
            case AND -> (x != 0 && y != 0) ? 1 : 0;
            case OR -> (x != 0 || y != 0) ? 1 : 0;
            case XOR -> ((x != 0) != (y != 0)) ? 1 : 0;
        };
    }

    /** Integer semantics for integer dtypes (exact for I64): division truncates like torch's floor_divide? No: true division is
     * promoted by the caller; this is used for ADD/SUB/MUL/MAX/MIN and comparisons on integers. */
    public static long binaryLong(BinaryOp op, long x, long y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> y == 0 ? 0 : x / y;
            case POW -> (long) Math.pow(x, y);
            case MAX -> Math.max(x, y);
            case MIN -> Math.min(x, y);
            case ATAN2 -> (long) Math.atan2(x, y);
            case EQ -> x == y ? 1 : 0;
            case NE -> x != y ? 1 : 0;
            case LT -> x < y ? 1 : 0;
            case LE -> x <= y ? 1 : 0;
            case GT -> x > y ? 1 : 0;
            case GE -> x >= y ? 1 : 0;
            case AND -> (x != 0 && y != 0) ? 1 : 0;
            case OR -> (x != 0 || y != 0) ? 1 : 0;
            case XOR -> ((x != 0) != (y != 0)) ? 1 : 0;
        };
    }
}
