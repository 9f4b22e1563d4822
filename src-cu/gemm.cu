// GEMM family: torch.bmm / torch.matmul on strided operands, and F.conv3d forward, grad-input and grad-weight
// (torch.nn.grad.conv3d_input / conv3d_weight) as implicit GEMMs: the im2col matrix is never built, padding
// (asymmetric, zero) and dilation are fused into the operand loads, groups run on gridDim.z.
// Two tile engines share the operand "views":
//   gemm_simt  64x64x16 shared-memory tiles, 4x4 outputs per thread; Acc = float (F32, mixed) or double (F64)
//   gemm_wmma  64x64x32 tiles on tensor cores (nvcuda::wmma 16x16x16, bf16 or f16 inputs, f32 accumulation)
// Each view provides M, N, K, a(z, m, k), b(z, k, n) and store(z, m, n, acc).
#include "gemm_views.cuh"
#include <mma.h>

// ------------------------------------------------------------------ SIMT tiles

#define SB_M 64
#define SB_N 64
#define SB_K 16

// 256 threads; grid (ceil(N/64), ceil(M/64), Z).
template <typename Acc, class V>
__device__ void gemm_simt(const V& v) {
    __shared__ Acc As[SB_K][SB_M + 1];
    __shared__ Acc Bs[SB_K][SB_N + 1];
    int z = blockIdx.z, m0 = blockIdx.y * SB_M, n0 = blockIdx.x * SB_N;
    int M = v.M(), N = v.N(), K = v.K();
    int tid = threadIdx.x, tm = tid / 16, tn = tid % 16;
    Acc acc[4][4];
    for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) acc[i][j] = 0;
    for (int k0 = 0; k0 < K; k0 += SB_K) {
        for (int e = tid; e < SB_K * SB_M; e += 256) {
            int kk = e / SB_M, mm = e % SB_M;
            int m = m0 + mm, k = k0 + kk;
            As[kk][mm] = (m < M && k < K) ? (Acc) v.a(z, m, k) : (Acc) 0;
        }
        for (int e = tid; e < SB_K * SB_N; e += 256) {
            int kk = e / SB_N, nn = e % SB_N;
            int n = n0 + nn, k = k0 + kk;
            Bs[kk][nn] = (n < N && k < K) ? (Acc) v.b(z, k, n) : (Acc) 0;
        }
        __syncthreads();
        #pragma unroll
        for (int kk = 0; kk < SB_K; kk++) {
            Acc ra[4], rb[4];
            for (int i = 0; i < 4; i++) ra[i] = As[kk][tm + 16 * i];
            for (int j = 0; j < 4; j++) rb[j] = Bs[kk][tn + 16 * j];
            for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) acc[i][j] += ra[i] * rb[j];
        }
        __syncthreads();
    }
    for (int i = 0; i < 4; i++) {
        int m = m0 + tm + 16 * i;
        if (m >= M) continue;
        for (int j = 0; j < 4; j++) {
            int n = n0 + tn + 16 * j;
            if (n < N) v.store(z, m, n, (double) acc[i][j]);
        }
    }
}

// ------------------------------------------------------------------ tensor-core tiles

#define WB_M 64
#define WB_N 64
#define WB_K 32

template <typename H> __device__ __forceinline__ H to_h(float f);
template <> __device__ __forceinline__ __half to_h<__half>(float f) { return __float2half_rn(f); }
template <> __device__ __forceinline__ __nv_bfloat16 to_h<__nv_bfloat16>(float f) { return __float2bfloat16_rn(f); }

// 128 threads (4 warps in 2x2, each 32x32 = 2x2 fragments); grid (ceil(N/64), ceil(M/64), Z).
template <typename H, class V>
__device__ void gemm_wmma(const V& v) {
    using namespace nvcuda;
    __shared__ __align__(32) H As[WB_M][WB_K + 8];
    __shared__ __align__(32) H Bs[WB_K][WB_N + 8];
    __shared__ __align__(32) float Cs[WB_M][WB_N + 4];
    int z = blockIdx.z, m0 = blockIdx.y * WB_M, n0 = blockIdx.x * WB_N;
    int M = v.M(), N = v.N(), K = v.K();
    int tid = threadIdx.x, warp = tid / 32, wm = warp / 2, wn = warp % 2;
    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[2][2];
    for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) wmma::fill_fragment(acc[i][j], 0.0f);
    for (int k0 = 0; k0 < K; k0 += WB_K) {
        for (int e = tid; e < WB_M * WB_K; e += 128) {
            int mm = e / WB_K, kk = e % WB_K;
            int m = m0 + mm, k = k0 + kk;
            As[mm][kk] = to_h<H>((m < M && k < K) ? (float) v.a(z, m, k) : 0.0f);
        }
        for (int e = tid; e < WB_K * WB_N; e += 128) {
            int kk = e / WB_N, nn = e % WB_N;
            int n = n0 + nn, k = k0 + kk;
            Bs[kk][nn] = to_h<H>((n < N && k < K) ? (float) v.b(z, k, n) : 0.0f);
        }
        __syncthreads();
        #pragma unroll
        for (int kk = 0; kk < WB_K; kk += 16) {
            wmma::fragment<wmma::matrix_a, 16, 16, 16, H, wmma::row_major> fa[2];
            wmma::fragment<wmma::matrix_b, 16, 16, 16, H, wmma::row_major> fb[2];
            for (int i = 0; i < 2; i++) wmma::load_matrix_sync(fa[i], &As[wm * 32 + i * 16][kk], WB_K + 8);
            for (int j = 0; j < 2; j++) wmma::load_matrix_sync(fb[j], &Bs[kk][wn * 32 + j * 16], WB_N + 8);
            for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
        }
        __syncthreads();
    }
    for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++)
        wmma::store_matrix_sync(&Cs[wm * 32 + i * 16][wn * 32 + j * 16], acc[i][j], WB_N + 4, wmma::mem_row_major);
    __syncthreads();
    for (int e = tid; e < WB_M * WB_N; e += 128) {
        int mm = e / WB_N, nn = e % WB_N;
        int m = m0 + mm, n = n0 + nn;
        if (m < M && n < N) v.store(z, m, n, (double) Cs[mm][nn]);
    }
}

// ------------------------------------------------------------------ entry points

extern "C" __global__ void __launch_bounds__(256) matmul_simt_f32(const void* A, const void* B, void* O, MatGeo g) { gemm_simt<float>(MatView{A, B, O, g}); }
extern "C" __global__ void __launch_bounds__(256) matmul_simt_f64(const void* A, const void* B, void* O, MatGeo g) { gemm_simt<double>(MatView{A, B, O, g}); }
extern "C" __global__ void __launch_bounds__(128) matmul_wmma_bf16(const void* A, const void* B, void* O, MatGeo g) { gemm_wmma<__nv_bfloat16>(MatView{A, B, O, g}); }
extern "C" __global__ void __launch_bounds__(128) matmul_wmma_f16(const void* A, const void* B, void* O, MatGeo g) { gemm_wmma<__half>(MatView{A, B, O, g}); }

#define CONV_ENTRIES(SUFFIX, ENGINE, BOUND)                                                                              \
    extern "C" __global__ void __launch_bounds__(BOUND) conv_fwd_##SUFFIX(const void* X, const void* W, const void* Bias, void* O, ConvGeo c) { \
        ENGINE(ConvFwdView{X, W, Bias, O, c});                                                                           \
    }                                                                                                                    \
    extern "C" __global__ void __launch_bounds__(BOUND) conv_bwd_input_##SUFFIX(const void* GO, const void* W, void* GI, ConvGeo c) { \
        ENGINE(ConvBwdInView{GO, W, GI, c});                                                                             \
    }                                                                                                                    \
    extern "C" __global__ void __launch_bounds__(BOUND) conv_bwd_weight_##SUFFIX(const void* X, const void* GO, void* GW, ConvGeo c) { \
        ENGINE(ConvBwdWView{X, GO, GW, c});                                                                              \
    }

CONV_ENTRIES(simt_f32, gemm_simt<float>, 256)
CONV_ENTRIES(simt_f64, gemm_simt<double>, 256)
CONV_ENTRIES(wmma_bf16, gemm_wmma<__nv_bfloat16>, 128)
CONV_ENTRIES(wmma_f16, gemm_wmma<__half>, 128)
