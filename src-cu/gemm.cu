// GEMM family: torch.bmm / torch.matmul on strided operands, and F.conv3d forward, grad-input and grad-weight
// (torch.nn.grad.conv3d_input / conv3d_weight) as implicit GEMMs: the im2col matrix is never built, padding
// (asymmetric, zero) and dilation are fused into the operand loads, groups run on gridDim.z.
// Two tile engines share the operand "views":
//   gemm_simt  64x64x16 shared-memory tiles, 4x4 outputs per thread; Acc = float (F32, mixed) or double (F64)
//   gemm_wmma  64x64x32 tiles on tensor cores (nvcuda::wmma 16x16x16, bf16 or f16 inputs, f32 accumulation)
// Each view provides M, N, K, a(z, m, k), b(z, k, n) and store(z, m, n, acc).
#include "common.cuh"
#include <mma.h>

// ------------------------------------------------------------------ operand views

struct MatGeo {
    int M, N, K;
    int adt, bdt, odt;
    int asb, asm_, ask, aoff;
    int bsb, bsk, bsn, boff;
    int osb, osm, osn, ooff;
};

struct MatView {
    const void* A; const void* B; void* O; MatGeo g;
    __device__ int M() const { return g.M; }
    __device__ int N() const { return g.N; }
    __device__ int K() const { return g.K; }
    __device__ double a(int z, int m, int k) const { return ld(A, g.adt, (long long) g.aoff + (long long) z * g.asb + (long long) m * g.asm_ + (long long) k * g.ask); }
    __device__ double b(int z, int k, int n) const { return ld(B, g.bdt, (long long) g.boff + (long long) z * g.bsb + (long long) k * g.bsk + (long long) n * g.bsn); }
    __device__ void store(int z, int m, int n, double v) const { st(O, g.odt, (long long) g.ooff + (long long) z * g.osb + (long long) m * g.osm + (long long) n * g.osn, v); }
};

struct ConvGeo {
    int N, IC, ID, IH, IW, OC, OD, OH, OW, KD, KH, KW;
    int sd, sh, sw, pd, ph, pw, dd, dh, dw, groups;
    int xdt, wdt, odt, bdt, hasBias;
    int xoff, woff, ooff, boff;
};

__device__ __forceinline__ int kvol(const ConvGeo& c) { return c.KD * c.KH * c.KW; }

// Forward: M = OC/g (oc), N = N*OD*OH*OW, K = IC/g*KD*KH*KW. A = weight, B = im2col(x), out (+ bias).
struct ConvFwdView {
    const void* X; const void* W; const void* Bias; void* O; ConvGeo c;
    __device__ int M() const { return c.OC / c.groups; }
    __device__ int N() const { return c.N * c.OD * c.OH * c.OW; }
    __device__ int K() const { return c.IC / c.groups * kvol(c); }
    __device__ double a(int z, int m, int k) const {
        return ld(W, c.wdt, (long long) c.woff + (long long) (z * M() + m) * K() + k);
    }
    __device__ double b(int z, int k, int n) const {
        int kw = k % c.KW, t = k / c.KW, kh = t % c.KH; t /= c.KH; int kd = t % c.KD, ic = t / c.KD;
        int ow = n % c.OW; int u = n / c.OW; int oh = u % c.OH; u /= c.OH; int od = u % c.OD, nb = u / c.OD;
        int id = od * c.sd - c.pd + kd * c.dd, ih = oh * c.sh - c.ph + kh * c.dh, iw = ow * c.sw - c.pw + kw * c.dw;
        if (id < 0 || id >= c.ID || ih < 0 || ih >= c.IH || iw < 0 || iw >= c.IW) return 0.0;
        int icg = z * (c.IC / c.groups) + ic;
        return ld(X, c.xdt, (long long) c.xoff + ((((long long) nb * c.IC + icg) * c.ID + id) * c.IH + ih) * c.IW + iw);
    }
    __device__ void store(int z, int m, int n, double v) const {
        int oc = z * M() + m;
        int sp = c.OD * c.OH * c.OW, nb = n / sp, r = n % sp;
        if (c.hasBias) v += ld(Bias, c.bdt, (long long) c.boff + oc);
        st(O, c.odt, (long long) c.ooff + ((long long) nb * c.OC + oc) * sp + r, v);
    }
};

// Grad-input: M = IC/g (ic), N = N*ID*IH*IW, K = OC/g*KD*KH*KW. A = weight^T, B = scattered grad-out.
struct ConvBwdInView {
    const void* GO; const void* W; void* GI; ConvGeo c;
    __device__ int M() const { return c.IC / c.groups; }
    __device__ int N() const { return c.N * c.ID * c.IH * c.IW; }
    __device__ int K() const { return c.OC / c.groups * kvol(c); }
    __device__ double a(int z, int m, int k) const {
        int kv = kvol(c), oc = k / kv, r = k % kv;
        return ld(W, c.wdt, (long long) c.woff + ((long long) (z * (c.OC / c.groups) + oc) * M() + m) * kv + r);
    }
    __device__ double b(int z, int k, int n) const {
        int kw = k % c.KW, t = k / c.KW, kh = t % c.KH; t /= c.KH; int kd = t % c.KD, oc = t / c.KD;
        int iw = n % c.IW; int u = n / c.IW; int ih = u % c.IH; u /= c.IH; int id = u % c.ID, nb = u / c.ID;
        int td = id + c.pd - kd * c.dd, th = ih + c.ph - kh * c.dh, tw = iw + c.pw - kw * c.dw;
        if (td < 0 || th < 0 || tw < 0 || td % c.sd || th % c.sh || tw % c.sw) return 0.0;
        int od = td / c.sd, oh = th / c.sh, ow = tw / c.sw;
        if (od >= c.OD || oh >= c.OH || ow >= c.OW) return 0.0;
        int ocg = z * (c.OC / c.groups) + oc;
        return ld(GO, c.odt, (long long) c.ooff + ((((long long) nb * c.OC + ocg) * c.OD + od) * c.OH + oh) * c.OW + ow);
    }
    __device__ void store(int z, int m, int n, double v) const {
        int sp = c.ID * c.IH * c.IW, nb = n / sp, r = n % sp;
        st(GI, c.xdt, (long long) c.xoff + ((long long) nb * c.IC + z * M() + m) * sp + r, v);
    }
};

// Grad-weight: M = OC/g (oc), N = IC/g*KD*KH*KW, K = N*OD*OH*OW. A = grad-out, B = im2col(x)^T.
struct ConvBwdWView {
    const void* X; const void* GO; void* GW; ConvGeo c;
    __device__ int M() const { return c.OC / c.groups; }
    __device__ int N() const { return c.IC / c.groups * kvol(c); }
    __device__ int K() const { return c.N * c.OD * c.OH * c.OW; }
    __device__ double a(int z, int m, int k) const {
        int sp = c.OD * c.OH * c.OW, nb = k / sp, r = k % sp;
        return ld(GO, c.odt, (long long) c.ooff + ((long long) nb * c.OC + z * M() + m) * sp + r);
    }
    __device__ double b(int z, int k, int n) const {
        int kw = n % c.KW, t = n / c.KW, kh = t % c.KH; t /= c.KH; int kd = t % c.KD, ic = t / c.KD;
        int ow = k % c.OW; int u = k / c.OW; int oh = u % c.OH; u /= c.OH; int od = u % c.OD, nb = u / c.OD;
        int id = od * c.sd - c.pd + kd * c.dd, ih = oh * c.sh - c.ph + kh * c.dh, iw = ow * c.sw - c.pw + kw * c.dw;
        if (id < 0 || id >= c.ID || ih < 0 || ih >= c.IH || iw < 0 || iw >= c.IW) return 0.0;
        int icg = z * (c.IC / c.groups) + ic;
        return ld(X, c.xdt, (long long) c.xoff + ((((long long) nb * c.IC + icg) * c.ID + id) * c.IH + ih) * c.IW + iw);
    }
    __device__ void store(int z, int m, int n, double v) const {
        st(GW, c.wdt, (long long) c.woff + (long long) (z * M() + m) * N() + n, v);
    }
};

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
