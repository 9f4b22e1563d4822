// Shared device helpers for every kernel family: dtype codes, typed loads/stores with PyTorch's conversion
// rules (Tensor.to(dtype): truncation toward zero for integers, round-to-nearest-even for bf16/f16),
// dtype-generic atomics, and the strided-geometry structs the Java side (ssvae.kernels.cuda.Geometry) fills.
// The enum orders below MUST equal the Java enums (ssvae.tensor.DType, UnaryOp, BinaryOp, ReduceOp);
// CudaEnumOrderTest parses this file and checks them.
#pragma once
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <stdint.h>
#include <limits.h>

// DType order: F32, F64, BF16, F16, I64, I32, U8, BOOL
enum DT { DT_F32 = 0, DT_F64, DT_BF16, DT_F16, DT_I64, DT_I32, DT_U8, DT_BOOL };

// UnaryOp order
enum UOP { U_NEG = 0, U_EXP, U_LOG, U_SQRT, U_RSQRT, U_ABS, U_SIGN, U_SIGMOID, U_TANH, U_RELU, U_SILU, U_GELU, U_GELU_TANH,
           U_SQUARE, U_RECIPROCAL, U_SIN, U_COS, U_FLOOR, U_CEIL, U_ROUND, U_LOG1P, U_EXPM1, U_ERF, U_LEAKY_RELU,
           U_AFFINE, U_POW, U_CLAMP, U_RPOW, U_ISNAN, U_ISFINITE, U_NOT, U_SIGMOID_GRAD, U_TANH_GRAD, U_SILU_GRAD,
           U_GELU_GRAD, U_GELU_TANH_GRAD, U_LEAKY_RELU_GRAD, U_CLAMP_GRAD, U_POW_GRAD, U_ERF_GRAD };

// BinaryOp order
enum BOP { B_ADD = 0, B_SUB, B_MUL, B_DIV, B_POW, B_MAX, B_MIN, B_ATAN2, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE, B_AND, B_OR, B_XOR };

// ReduceOp order
enum ROP { R_SUM = 0, R_PROD, R_MAX, R_MIN, R_ARGMAX, R_ARGMIN };

#define MAXD 8

// Host-and-device helpers: the per-element kernel bodies are also compiled for the host by src-cu/host/host_check.cu,
// which the Java tests run to check struct layouts and index math without a GPU.
#define HD __host__ __device__

// Elementwise geometry over up to 4 operands of one (coalesced) iteration shape; strides and offsets in elements.
struct Geo {
    int ndim;
    int numel;
    int shape[MAXD];
    int stride[4][MAXD];
    int offset[4];
};

HD __forceinline__ void geo_offsets(const Geo& g, int idx, int nops, long long* off) {
    for (int k = 0; k < nops; k++) off[k] = g.offset[k];
    int rem = idx;
    for (int d = g.ndim - 1; d >= 0; d--) {
        int i = rem % g.shape[d];
        rem /= g.shape[d];
        for (int k = 0; k < nops; k++) off[k] += (long long) i * g.stride[k][d];
    }
}

HD __forceinline__ bool dt_is_int(int dt) { return dt >= DT_I64; }

// Java's (long) d: NaN -> 0, saturating at the int64 range (CUDA's cvt saturates too; a plain C cast would be UB).
HD __forceinline__ long long d2l(double v) {
    if (v != v) return 0;
    if (v >= 9.2233720368547758e18) return LLONG_MAX;
    if (v <= -9.2233720368547758e18) return LLONG_MIN;
    return (long long) v;
}

HD __forceinline__ double ld(const void* p, int dt, long long i) {
    switch (dt) {
        case DT_F32: return ((const float*) p)[i];
        case DT_F64: return ((const double*) p)[i];
        case DT_BF16: return __bfloat162float(((const __nv_bfloat16*) p)[i]);
        case DT_F16: return __half2float(((const __half*) p)[i]);
        case DT_I64: return (double) ((const long long*) p)[i];
        case DT_I32: return ((const int*) p)[i];
        case DT_U8: return ((const unsigned char*) p)[i];
        default: return ((const unsigned char*) p)[i] != 0 ? 1.0 : 0.0;
    }
}

HD __forceinline__ float ldf(const void* p, int dt, long long i) {
    switch (dt) {
        case DT_F32: return ((const float*) p)[i];
        case DT_BF16: return __bfloat162float(((const __nv_bfloat16*) p)[i]);
        case DT_F16: return __half2float(((const __half*) p)[i]);
        default: return (float) ld(p, dt, i);
    }
}

HD __forceinline__ long long ldl(const void* p, int dt, long long i) {
    switch (dt) {
        case DT_I64: return ((const long long*) p)[i];
        case DT_I32: return ((const int*) p)[i];
        case DT_U8: return ((const unsigned char*) p)[i];
        case DT_BOOL: return ((const unsigned char*) p)[i] != 0;
        default: return d2l(ld(p, dt, i));
    }
}

// float -> bf16/f16 go through float first, as the CPU does ((float) v then round-to-nearest-even).
HD __forceinline__ void st(void* p, int dt, long long i, double v) {
    switch (dt) {
        case DT_F32: ((float*) p)[i] = (float) v; break;
        case DT_F64: ((double*) p)[i] = v; break;
        case DT_BF16: ((__nv_bfloat16*) p)[i] = __float2bfloat16_rn((float) v); break;
        case DT_F16: ((__half*) p)[i] = __float2half_rn((float) v); break;
        case DT_I64: ((long long*) p)[i] = d2l(v); break;
        case DT_I32: ((int*) p)[i] = (int) d2l(v); break;
        case DT_U8: ((unsigned char*) p)[i] = (unsigned char) d2l(v); break;
        default: ((unsigned char*) p)[i] = v != 0 ? 1 : 0; break;
    }
}

HD __forceinline__ void stl(void* p, int dt, long long i, long long v) {
    switch (dt) {
        case DT_I64: ((long long*) p)[i] = v; break;
        case DT_I32: ((int*) p)[i] = (int) v; break;
        case DT_U8: ((unsigned char*) p)[i] = (unsigned char) v; break;
        case DT_BOOL: ((unsigned char*) p)[i] = v != 0 ? 1 : 0; break;
        default: st(p, dt, i, (double) v); break;
    }
}

// Adds v to one byte with a CAS loop on its aligned 32-bit word.
__device__ __forceinline__ void atomic_add_byte(unsigned char* p, int v, bool boolean) {
    unsigned int* word = (unsigned int*) ((uintptr_t) p & ~(uintptr_t) 3);
    int shift = (int) (((uintptr_t) p & 3) * 8);
    unsigned int old = *word, assumed;
    do {
        assumed = old;
        unsigned int b = (assumed >> shift) & 0xff;
        unsigned int nb = boolean ? ((b != 0 || v != 0) ? 1u : 0u) : ((b + (unsigned int) v) & 0xff);
        unsigned int nw = (assumed & ~(0xffu << shift)) | (nb << shift);
        old = atomicCAS(word, assumed, nw);
    } while (old != assumed);
}

// dst[i] += v for any dtype (index_add_, scatter_add_, interpolate/max-pool backward).
__device__ __forceinline__ void atomic_add_dt(void* p, int dt, long long i, double v) {
    switch (dt) {
        case DT_F32: atomicAdd(((float*) p) + i, (float) v); break;
        case DT_F64: atomicAdd(((double*) p) + i, v); break;
        case DT_BF16: atomicAdd(((__nv_bfloat16*) p) + i, __float2bfloat16_rn((float) v)); break;
        case DT_F16: atomicAdd(((__half*) p) + i, __float2half_rn((float) v)); break;
        case DT_I64: atomicAdd((unsigned long long*) p + i, (unsigned long long) d2l(v)); break;
        case DT_I32: atomicAdd(((int*) p) + i, (int) d2l(v)); break;
        case DT_U8: atomic_add_byte(((unsigned char*) p) + i, (int) d2l(v), false); break;
        default: atomic_add_byte(((unsigned char*) p) + i, v != 0 ? 1 : 0, true); break;
    }
}

// dst[i] += v: atomically on the device, plainly in the host emulation.
HD inline void accumulate_dt(void* p, int dt, long long i, double v) {
#ifdef __CUDA_ARCH__
    atomic_add_dt(p, dt, i, v);
#else
    if (dt_is_int(dt)) stl(p, dt, i, ldl(p, dt, i) + d2l(v));
    else st(p, dt, i, ld(p, dt, i) + v);
#endif
}

#define GRID_STRIDE(i, n) for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += blockDim.x * gridDim.x)
