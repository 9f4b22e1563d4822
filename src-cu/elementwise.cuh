// Elementwise op values and per-element bodies (host and device); see elementwise.cu.
#pragma once
#include "common.cuh"

HD inline double erf_d(double x) { return erf(x); }

HD inline double sigmoid_d(double x) { return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x)); }

HD inline double unary_op(int op, double x, double a, double b) {
    const double SQRT_2_OVER_PI = 0.7978845608028654, INV_SQRT_2 = 0.7071067811865476, INV_SQRT_2PI = 0.3989422804014327;
    const double TWO_OVER_SQRT_PI = 1.1283791670955126;
    switch (op) {
        case U_NEG: return -x;
        case U_EXP: return exp(x);
        case U_LOG: return log(x);
        case U_SQRT: return sqrt(x);
        case U_RSQRT: return 1.0 / sqrt(x);
        case U_ABS: return fabs(x);
        case U_SIGN: return x > 0 ? 1.0 : x < 0 ? -1.0 : (isnan(x) ? x : 0.0);
        case U_SIGMOID: return sigmoid_d(x);
        case U_TANH: return tanh(x);
        case U_RELU: return x > 0 ? x : (isnan(x) ? x : 0.0);
        case U_SILU: return x * sigmoid_d(x);
        case U_GELU: return 0.5 * x * (1 + erf_d(x * INV_SQRT_2));
        case U_GELU_TANH: return 0.5 * x * (1 + tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
        case U_SQUARE: return x * x;
        case U_RECIPROCAL: return 1.0 / x;
        case U_SIN: return sin(x);
        case U_COS: return cos(x);
        case U_FLOOR: return floor(x);
        case U_CEIL: return ceil(x);
        case U_ROUND: return rint(x);
        case U_LOG1P: return log1p(x);
        case U_EXPM1: return expm1(x);
        case U_ERF: return erf_d(x);
        case U_LEAKY_RELU: return x > 0 ? x : a * x;
        case U_AFFINE: return a * x + b;
        case U_POW: return pow(x, a);
        case U_CLAMP: return isnan(x) ? x : fmin(fmax(x, a), b);
        case U_RPOW: return pow(a, x);
        case U_ISNAN: return isnan(x) ? 1.0 : 0.0;
        case U_ISFINITE: return isfinite(x) ? 1.0 : 0.0;
        case U_NOT: return x == 0 ? 1.0 : 0.0;
        case U_SIGMOID_GRAD: { double s = sigmoid_d(x); return s * (1 - s); }
        case U_TANH_GRAD: { double t = tanh(x); return 1 - t * t; }
        case U_SILU_GRAD: { double s = sigmoid_d(x); return s * (1 + x * (1 - s)); }
        case U_GELU_GRAD: return 0.5 * (1 + erf_d(x * INV_SQRT_2)) + x * INV_SQRT_2PI * exp(-0.5 * x * x);
        case U_GELU_TANH_GRAD: {
            double inner = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
            double t = tanh(inner);
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
        }
        case U_LEAKY_RELU_GRAD: return x > 0 ? 1.0 : a;
        case U_CLAMP_GRAD: return (x >= a && x <= b) ? 1.0 : 0.0;
        case U_POW_GRAD: return a == 0 ? 0.0 : a * pow(x, a - 1);
        default: return TWO_OVER_SQRT_PI * exp(-x * x); // U_ERF_GRAD
    }
}

HD inline double binary_op(int op, double x, double y) {
    switch (op) {
        case B_ADD: return x + y;
        case B_SUB: return x - y;
        case B_MUL: return x * y;
        case B_DIV: return x / y;
        case B_POW: return pow(x, y);
        case B_MAX: return (isnan(x) || isnan(y)) ? nan("") : fmax(x, y);
        case B_MIN: return (isnan(x) || isnan(y)) ? nan("") : fmin(x, y);
        case B_ATAN2: return atan2(x, y);
        case B_EQ: return x == y;
        case B_NE: return x != y;
        case B_LT: return x < y;
        case B_LE: return x <= y;
        case B_GT: return x > y;
        case B_GE: return x >= y;
        case B_AND: return (x != 0 && y != 0);
        case B_OR: return (x != 0 || y != 0);
        default: return ((x != 0) != (y != 0)); // B_XOR
    }
}

HD inline long long binary_long(int op, long long x, long long y) {
    switch (op) {
        case B_ADD: return x + y;
        case B_SUB: return x - y;
        case B_MUL: return x * y;
        case B_DIV: return y == 0 ? 0 : x / y;
        case B_POW: return d2l(pow((double) x, (double) y));
        case B_MAX: return x > y ? x : y;
        case B_MIN: return x < y ? x : y;
        case B_ATAN2: return d2l(atan2((double) x, (double) y));
        case B_EQ: return x == y;
        case B_NE: return x != y;
        case B_LT: return x < y;
        case B_LE: return x <= y;
        case B_GT: return x > y;
        case B_GE: return x >= y;
        case B_AND: return (x != 0 && y != 0);
        case B_OR: return (x != 0 || y != 0);
        default: return ((x != 0) != (y != 0));
    }
}


// Per-element bodies: the kernels run them in a grid-stride loop, host_check.cu in a plain loop.
HD inline void ew_copy_one(const void* src, int sdt, void* dst, int ddt, const Geo& g, int i) {
    long long off[2];
    geo_offsets(g, i, 2, off);
    if (sdt == ddt) {
        switch (sdt) {
            case DT_F32: case DT_I32: ((int*) dst)[off[1]] = ((const int*) src)[off[0]]; break;
            case DT_F64: case DT_I64: ((long long*) dst)[off[1]] = ((const long long*) src)[off[0]]; break;
            case DT_BF16: case DT_F16: ((short*) dst)[off[1]] = ((const short*) src)[off[0]]; break;
            default: ((unsigned char*) dst)[off[1]] = ((const unsigned char*) src)[off[0]]; break;
        }
    } else if (dt_is_int(sdt) && dt_is_int(ddt)) {
        stl(dst, ddt, off[1], ldl(src, sdt, off[0]));
    } else {
        st(dst, ddt, off[1], ld(src, sdt, off[0]));
    }
}

HD inline void ew_fill_one(void* dst, int ddt, double v, long long lv, const Geo& g, int i) {
    long long off[1];
    geo_offsets(g, i, 1, off);
    if (dt_is_int(ddt)) stl(dst, ddt, off[0], ddt == DT_BOOL ? (v != 0) : lv); else st(dst, ddt, off[0], v);
}

HD inline void ew_unary_one(int op, const void* x, int xdt, void* out, int odt, double a, double b, const Geo& g, int i) {
    long long off[2];
    geo_offsets(g, i, 2, off);
    st(out, odt, off[1], unary_op(op, ld(x, xdt, off[0]), a, b));
}

HD inline void ew_binary_one(int op, const void* a, int adt, const void* b, int bdt, void* out, int odt, const Geo& g, int i) {
    long long off[3];
    geo_offsets(g, i, 3, off);
    if (dt_is_int(adt) && dt_is_int(bdt) && dt_is_int(odt)) stl(out, odt, off[2], binary_long(op, ldl(a, adt, off[0]), ldl(b, bdt, off[1])));
    else st(out, odt, off[2], binary_op(op, ld(a, adt, off[0]), ld(b, bdt, off[1])));
}

HD inline void ew_where_one(const void* c, int cdt, const void* a, int adt, const void* b, int bdt, void* out, int odt, const Geo& g, int i) {
    long long off[4];
    geo_offsets(g, i, 4, off);
    bool t = ld(c, cdt, off[0]) != 0;
    if (dt_is_int(odt)) stl(out, odt, off[3], t ? ldl(a, adt, off[1]) : ldl(b, bdt, off[2]));
    else st(out, odt, off[3], t ? ld(a, adt, off[1]) : ld(b, bdt, off[2]));
}
