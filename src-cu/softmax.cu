// torch.softmax / torch.log_softmax along one dim of a contiguous tensor viewed as [outer, n, inner], and their
// input gradients (softmax: gx = y * (gy - sum(gy * y)); log_softmax: gx = gy - exp(y) * sum(gy)).
// Max-subtracted, accumulated in float (double for F64 tensors).
//   softmax_rows*: inner == 1, one block per row;  softmax_cols*: one thread per (outer, inner) column.
#include "common.cuh"
#include "blockred.cuh"

template <typename A> __device__ void sm_rows(const void* x, int dt, void* out, int outer, int n, int logm) {
    __shared__ A scratch[33];
    for (int row = blockIdx.x; row < outer; row += gridDim.x) {
        long long base = (long long) row * n;
        A mx = -INFINITY;
        for (int j = threadIdx.x; j < n; j += blockDim.x) { A v = (A) ld(x, dt, base + j); mx = (v != v || v > mx) ? v : mx; }
        mx = block_reduce<A, true>(mx, scratch);
        A s = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) s += exp((A) ld(x, dt, base + j) - mx);
        s = block_reduce<A, false>(s, scratch);
        A ls = log(s);
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            A v = (A) ld(x, dt, base + j) - mx;
            st(out, dt, base + j, logm ? (double) (v - ls) : (double) (exp(v) / s));
        }
    }
}

template <typename A> HD void sm_col(const void* x, int dt, void* out, int outer, int n, int inner, int logm, int c) {
    {
        long long base = (long long) (c / inner) * n * inner + c % inner;
        A mx = -INFINITY;
        for (int j = 0; j < n; j++) { A v = (A) ld(x, dt, base + (long long) j * inner); mx = (v != v || v > mx) ? v : mx; }
        A s = 0;
        for (int j = 0; j < n; j++) s += exp((A) ld(x, dt, base + (long long) j * inner) - mx);
        A ls = log(s);
        for (int j = 0; j < n; j++) {
            long long p = base + (long long) j * inner;
            A v = (A) ld(x, dt, p) - mx;
            st(out, dt, p, logm ? (double) (v - ls) : (double) (exp(v) / s));
        }
    }
}

template <typename A> __device__ void smb_rows(const void* y, const void* gy, int dt, void* gx, int outer, int n, int logm) {
    __shared__ A scratch[33];
    for (int row = blockIdx.x; row < outer; row += gridDim.x) {
        long long base = (long long) row * n;
        A s = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x)
            s += logm ? (A) ld(gy, dt, base + j) : (A) ld(gy, dt, base + j) * (A) ld(y, dt, base + j);
        s = block_reduce<A, false>(s, scratch);
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            A yv = (A) ld(y, dt, base + j), g = (A) ld(gy, dt, base + j);
            st(gx, dt, base + j, logm ? (double) (g - exp(yv) * s) : (double) (yv * (g - s)));
        }
    }
}

template <typename A> HD void smb_col(const void* y, const void* gy, int dt, void* gx, int outer, int n, int inner, int logm, int c) {
    {
        long long base = (long long) (c / inner) * n * inner + c % inner;
        A s = 0;
        for (int j = 0; j < n; j++) {
            long long p = base + (long long) j * inner;
            s += logm ? (A) ld(gy, dt, p) : (A) ld(gy, dt, p) * (A) ld(y, dt, p);
        }
        for (int j = 0; j < n; j++) {
            long long p = base + (long long) j * inner;
            A yv = (A) ld(y, dt, p), g = (A) ld(gy, dt, p);
            st(gx, dt, p, logm ? (double) (g - exp(yv) * s) : (double) (yv * (g - s)));
        }
    }
}

extern "C" __global__ void softmax_rows(const void* x, int dt, void* out, int outer, int n, int logm) {
    if (dt == DT_F64) sm_rows<double>(x, dt, out, outer, n, logm); else sm_rows<float>(x, dt, out, outer, n, logm);
}
extern "C" __global__ void softmax_cols(const void* x, int dt, void* out, int outer, int n, int inner, int logm) {
    GRID_STRIDE(c, outer * inner) {
        if (dt == DT_F64) sm_col<double>(x, dt, out, outer, n, inner, logm, c); else sm_col<float>(x, dt, out, outer, n, inner, logm, c);
    }
}
extern "C" __global__ void softmax_backward_rows(const void* y, const void* gy, int dt, void* gx, int outer, int n, int logm) {
    if (dt == DT_F64) smb_rows<double>(y, gy, dt, gx, outer, n, logm); else smb_rows<float>(y, gy, dt, gx, outer, n, logm);
}
extern "C" __global__ void softmax_backward_cols(const void* y, const void* gy, int dt, void* gx, int outer, int n, int inner, int logm) {
    GRID_STRIDE(c, outer * inner) {
        if (dt == DT_F64) smb_col<double>(y, gy, dt, gx, outer, n, inner, logm, c); else smb_col<float>(y, gy, dt, gx, outer, n, inner, logm, c);
    }
}
