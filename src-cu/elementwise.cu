// Elementwise kernels over strided / broadcast operands (zero and negative strides allowed):
//   ew_copy   Tensor.copy_ (torch.Tensor.to(dtype) conversion rules)
//   ew_fill   Tensor.fill_
//   ew_unary  torch unary ops (exp, sigmoid, gelu, clamp, ... and their derivatives), see ssvae.tensor.UnaryOp
//   ew_binary torch binary ops (add, sub, mul, div, pow, maximum, minimum, atan2, comparisons, logical_*)
//   ew_where  torch.where(cond, a, b)
// Values are computed in double (the CPU reference, ssvae.kernels.cpu.ScalarMath, is double), integer-only
// binary ops in 64-bit integers like ScalarMath.binaryLong.
#include "elementwise.cuh"

// Operand 0 = src, 1 = dst.
extern "C" __global__ void ew_copy(const void* src, int sdt, void* dst, int ddt, Geo g) {
    GRID_STRIDE(i, g.numel) ew_copy_one(src, sdt, dst, ddt, g, i);
}

// Operand 0 = dst. The value arrives both as double and as a 64-bit integer (exact for I64).
extern "C" __global__ void ew_fill(void* dst, int ddt, double v, long long lv, Geo g) {
    GRID_STRIDE(i, g.numel) ew_fill_one(dst, ddt, v, lv, g, i);
}

// Operand 0 = x, 1 = out.
extern "C" __global__ void ew_unary(int op, const void* x, int xdt, void* out, int odt, double a, double b, Geo g) {
    GRID_STRIDE(i, g.numel) ew_unary_one(op, x, xdt, out, odt, a, b, g, i);
}

// Operands 0 = a, 1 = b, 2 = out.
extern "C" __global__ void ew_binary(int op, const void* a, int adt, const void* b, int bdt, void* out, int odt, Geo g) {
    GRID_STRIDE(i, g.numel) ew_binary_one(op, a, adt, b, bdt, out, odt, g, i);
}

// Operands 0 = cond, 1 = a, 2 = b, 3 = out.
extern "C" __global__ void ew_where(const void* c, int cdt, const void* a, int adt, const void* b, int bdt, void* out, int odt, Geo g) {
    GRID_STRIDE(i, g.numel) ew_where_one(c, cdt, a, adt, b, bdt, out, odt, g, i);
}
