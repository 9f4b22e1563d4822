// Row normalisation over the middle axis R of a contiguous [outer, R, inner] view (ssvae.tensor.NormMode):
//   CENTERED (mode 0): (x - mean) / sqrt(var_biased + eps)     F.layer_norm / F.group_norm without affine
//   L2       (mode 1): x / max(||x||_2, eps)                   F.normalize(p=2)
//   RMS      (mode 2): x / sqrt(mean(x^2) + eps)               F.rms_norm without weight
// mean and rstd are [outer, inner] (mean is 0 for L2/RMS). Backward (xhat = normalised x):
//   CENTERED gx = rstd * (gy - mean(gy) - xhat * mean(gy * xhat));  RMS gx = rstd * (gy - xhat * mean(gy * xhat));
//   L2 gx = rstd * (gy - y * sum(gy * y)) when ||x|| >= eps, else gy * rstd (clamp_min passes no gradient).
// Accumulation in float (double for F64); two passes for the variance.
//   *_rows: inner == 1, one block per row;  *_cols: one thread per (outer, inner) column.
#include "common.cuh"
#include "blockred.cuh"

#define N_CENTERED 0
#define N_L2 1
#define N_RMS 2

struct NormArgs {
    int mode, outer, r, inner;
    int xdt, sdt;  // x/out/gy/gx dtype, mean/rstd dtype
    double eps;
};

// Thread-private column walker or block-cooperative row walker, selected by COLS.
template <typename A, bool COLS> HD A row_sum(const NormArgs& a, A* scratch, long long base, int kind,
                                                      const void* x, const void* y2, A m, A rs) {
    // kind 0: sum x; 1: sum (x-m)^2; 2: sum x^2; 3: sum y2 (gy); 4: sum y2 * (x-m)*rs
    A s = 0;
    int j0 = 0, js = 1;
#ifdef __CUDA_ARCH__
    if constexpr (!COLS) { j0 = threadIdx.x; js = blockDim.x; }
#endif
    for (int j = j0; j < a.r; j += js) {
        long long p = base + (long long) j * a.inner;
        A v = (A) ld(x, a.xdt, p);
        switch (kind) {
            case 0: s += v; break;
            case 1: s += (v - m) * (v - m); break;
            case 2: s += v * v; break;
            case 3: s += (A) ld(y2, a.xdt, p); break;
            default: s += (A) ld(y2, a.xdt, p) * (v - m) * rs; break;
        }
    }
#ifdef __CUDA_ARCH__
    if constexpr (!COLS) s = block_reduce<A, false>(s, scratch);
#endif
    return s;
}

template <typename A, bool COLS> HD void norm_fwd_one(const NormArgs& a, A* scratch, int c, const void* x, void* out, void* mean, void* rstd) {
    long long base = (long long) (c / a.inner) * a.r * a.inner + c % a.inner;
    A m = 0, rs;
    if (a.mode == N_CENTERED) {
        m = row_sum<A, COLS>(a, scratch, base, 0, x, nullptr, 0, 0) / a.r;
        A var = row_sum<A, COLS>(a, scratch, base, 1, x, nullptr, m, 0) / a.r;
        rs = (A) 1 / sqrt(var + (A) a.eps);
    } else {
        A ss = row_sum<A, COLS>(a, scratch, base, 2, x, nullptr, 0, 0);
        rs = a.mode == N_L2 ? (A) 1 / fmax(sqrt(ss), (A) a.eps) : (A) 1 / sqrt(ss / a.r + (A) a.eps);
    }
    int j0 = 0, js = 1;
#ifdef __CUDA_ARCH__
    if constexpr (!COLS) { j0 = threadIdx.x; js = blockDim.x; }
#endif
    for (int j = j0; j < a.r; j += js) {
        long long p = base + (long long) j * a.inner;
        st(out, a.xdt, p, (double) (((A) ld(x, a.xdt, p) - m) * rs));
    }
    bool writer = true;
#ifdef __CUDA_ARCH__
    if constexpr (!COLS) writer = threadIdx.x == 0;
#endif
    if (writer) { st(mean, a.sdt, c, (double) m); st(rstd, a.sdt, c, (double) rs); }
}

template <typename A, bool COLS> HD void norm_bwd_one(const NormArgs& a, A* scratch, int c, const void* x, const void* mean,
                                                              const void* rstd, const void* gy, void* gx) {
    long long base = (long long) (c / a.inner) * a.r * a.inner + c % a.inner;
    A m = a.mode == N_CENTERED ? (A) ld(mean, a.sdt, c) : (A) 0;
    A rs = (A) ld(rstd, a.sdt, c);
    A sgx = row_sum<A, COLS>(a, scratch, base, 4, x, gy, m, rs);  // sum gy * xhat
    A sg = a.mode == N_CENTERED ? row_sum<A, COLS>(a, scratch, base, 3, x, gy, 0, 0) : (A) 0;
    bool l2lin = false;
    if (a.mode == N_L2) l2lin = sqrt(row_sum<A, COLS>(a, scratch, base, 2, x, nullptr, 0, 0)) >= (A) a.eps;
    int j0 = 0, js = 1;
#ifdef __CUDA_ARCH__
    if constexpr (!COLS) { j0 = threadIdx.x; js = blockDim.x; }
#endif
    for (int j = j0; j < a.r; j += js) {
        long long p = base + (long long) j * a.inner;
        A xh = ((A) ld(x, a.xdt, p) - m) * rs, g = (A) ld(gy, a.xdt, p), v;
        if (a.mode == N_CENTERED) v = rs * (g - sg / a.r - xh * sgx / a.r);
        else if (a.mode == N_RMS) v = rs * (g - xh * sgx / a.r);
        else v = l2lin ? rs * (g - xh * sgx) : g * rs;
        st(gx, a.xdt, p, (double) v);
    }
}

extern "C" __global__ void normalize_rows(const void* x, void* out, void* mean, void* rstd, NormArgs a) {
    if (a.xdt == DT_F64) { __shared__ double sd[33]; for (int c = blockIdx.x; c < a.outer; c += gridDim.x) norm_fwd_one<double, false>(a, sd, c, x, out, mean, rstd); }
    else { __shared__ float sf[33]; for (int c = blockIdx.x; c < a.outer; c += gridDim.x) norm_fwd_one<float, false>(a, sf, c, x, out, mean, rstd); }
}
extern "C" __global__ void normalize_cols(const void* x, void* out, void* mean, void* rstd, NormArgs a) {
    if (a.xdt == DT_F64) { GRID_STRIDE(c, a.outer * a.inner) norm_fwd_one<double, true>(a, nullptr, c, x, out, mean, rstd); }
    else { GRID_STRIDE(c, a.outer * a.inner) norm_fwd_one<float, true>(a, nullptr, c, x, out, mean, rstd); }
}
extern "C" __global__ void normalize_backward_rows(const void* x, const void* mean, const void* rstd, const void* gy, void* gx, NormArgs a) {
    if (a.xdt == DT_F64) { __shared__ double sd[33]; for (int c = blockIdx.x; c < a.outer; c += gridDim.x) norm_bwd_one<double, false>(a, sd, c, x, mean, rstd, gy, gx); }
    else { __shared__ float sf[33]; for (int c = blockIdx.x; c < a.outer; c += gridDim.x) norm_bwd_one<float, false>(a, sf, c, x, mean, rstd, gy, gx); }
}
extern "C" __global__ void normalize_backward_cols(const void* x, const void* mean, const void* rstd, const void* gy, void* gx, NormArgs a) {
    if (a.xdt == DT_F64) { GRID_STRIDE(c, a.outer * a.inner) norm_bwd_one<double, true>(a, nullptr, c, x, mean, rstd, gy, gx); }
    else { GRID_STRIDE(c, a.outer * a.inner) norm_bwd_one<float, true>(a, nullptr, c, x, mean, rstd, gy, gx); }
}
