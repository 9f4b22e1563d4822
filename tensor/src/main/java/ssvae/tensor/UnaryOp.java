package ssvae.tensor;

/**
 * Elementwise unary ops y = f(x; a, b). The parameters a and b are used only where stated.
 * Derivative ops (suffix _GRAD) give f'(x) for the autograd rules.
 */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, RSQRT, ABS, SIGN, SIGMOID, TANH, RELU, SILU,
    /** exact GELU: x * Phi(x) */ GELU,
    /** tanh approximation of GELU */ GELU_TANH,
    SQUARE, RECIPROCAL, SIN, COS, FLOOR, CEIL, ROUND, LOG1P, EXPM1, ERF,
    /** x > 0 ? x : a*x */ LEAKY_RELU,
    /** a*x + b */ AFFINE,
    /** x^a */ POW,
    /** min(max(x, a), b); a = -inf or b = +inf for one-sided */ CLAMP,
    /** a^x (scalar base) */ RPOW,
    ISNAN, ISFINITE, NOT,
    // derivatives
    SIGMOID_GRAD, TANH_GRAD, SILU_GRAD, GELU_GRAD, GELU_TANH_GRAD,
    /** x > 0 ? 1 : a */ LEAKY_RELU_GRAD,
    /** 1 where a <= x <= b, else 0 */ CLAMP_GRAD,
    /** a * x^(a-1) */ POW_GRAD,
    /** 2/sqrt(pi) exp(-x^2) */ ERF_GRAD
}
