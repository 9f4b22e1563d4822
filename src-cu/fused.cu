// Fused SSVAE regulariser kernels (official code: zai-org/SSVAE ssvae/modules/autoencoding/regularizers/
// calc_local_corr.py and models/autoencoder.py apply_lmr):
//   lcr_forward / lcr_backward  windowed_localcorr_z(renorm=True) on z (B, D, F, H, W): each window groups N latent
//     pixels (D-vectors); each vector is centred over D and divided by (||.|| + 1e-8) (calculate_pearson_autocorr);
//     the window contributes sum_{i<j} <u_i, u_j> = (||sum_i u_i||^2 - sum_i ||u_i||^2) / 2 to a global sum; the
//     caller divides by windows * N(N-1)/2 (the mean over torch.triu(..., diagonal=1)). part 0 = first frame with
//     hw x ww windows; part 1 = frames 1.. with tw x hw x ww windows. Backward writes dL/dz for the part's frames
//     given g = dL/d(mean) / count.
//   lmr_apply / lmr_backward  torch.where(block_mask, mask_token, z): blockMask (U8, one byte per t_block x h_block x
//     w_block block, chosen on the host with randperm) selects positions; backward gives gz = g where unmasked and
//     gToken[c] += g over masked positions.
#include "common.cuh"

struct LcrArgs {
    int B, D, F, H, W, tw, hw, ww, part, dt;
};

__device__ __forceinline__ int lcr_windows(const LcrArgs& a) {
    int sp = (a.H / a.hw) * (a.W / a.ww);
    return a.part == 0 ? a.B * sp : a.B * ((a.F - 1) / a.tw) * sp;
}

// Element offset of channel 0 of position i of window w (channel stride F*H*W).
__device__ __forceinline__ long long lcr_pos(const LcrArgs& a, int w, int i) {
    int swh = a.H / a.hw, sww = a.W / a.ww, sp = swh * sww;
    int b, f0, s;
    if (a.part == 0) { b = w / sp; s = w % sp; f0 = 0; }
    else { int nt = (a.F - 1) / a.tw; b = w / (nt * sp); int r = w % (nt * sp); f0 = 1 + (r / sp) * a.tw; s = r % sp; }
    int t = i / (a.hw * a.ww), q = i % (a.hw * a.ww);
    int h = (s / sww) * a.hw + q / a.ww, x = (s % sww) * a.ww + q % a.ww;
    return ((long long) b * a.D * a.F + (f0 + t)) * a.H * a.W + (long long) h * a.W + x;
}

// One block per window, one thread per position (blockDim >= N, multiple of 32); dynamic shared: (D + 1) doubles.
__device__ void lcr_window_sums(const LcrArgs& a, const void* z, int w, int N, double* s, double& mean, double& norm, bool& active) {
    long long cs = (long long) a.F * a.H * a.W;
    for (int d = threadIdx.x; d <= a.D; d += blockDim.x) s[d] = 0.0;
    __syncthreads();
    int i = threadIdx.x;
    active = i < N;
    mean = 0; norm = 0;
    if (active) {
        long long p = lcr_pos(a, w, i);
        for (int d = 0; d < a.D; d++) mean += ld(z, a.dt, p + d * cs);
        mean /= a.D;
        for (int d = 0; d < a.D; d++) { double c = ld(z, a.dt, p + d * cs) - mean; norm += c * c; }
        norm = sqrt(norm);
        double inv = 1.0 / (norm + 1e-8);
        for (int d = 0; d < a.D; d++) atomicAdd(&s[d], (ld(z, a.dt, p + d * cs) - mean) * inv);
        atomicAdd(&s[a.D], norm * norm * inv * inv);
    }
    __syncthreads();
}

extern "C" __global__ void lcr_forward(const void* z, LcrArgs a, double* sum) {
    extern __shared__ double s[];
    int N = (a.part == 0 ? 1 : a.tw) * a.hw * a.ww;
    for (int w = blockIdx.x; w < lcr_windows(a); w += gridDim.x) {
        double mean, norm;
        bool active;
        lcr_window_sums(a, z, w, N, s, mean, norm, active);
        if (threadIdx.x == 0) {
            double ss = 0;
            for (int d = 0; d < a.D; d++) ss += s[d] * s[d];
            atomicAdd(sum, 0.5 * (ss - s[a.D]));
        }
        __syncthreads();
    }
}

// gz (dtype a.dt) receives d(g * window sum)/dz for the part's frames.
extern "C" __global__ void lcr_backward(const void* z, LcrArgs a, double g, void* gz) {
    extern __shared__ double s[];
    int N = (a.part == 0 ? 1 : a.tw) * a.hw * a.ww;
    long long cs = (long long) a.F * a.H * a.W;
    for (int w = blockIdx.x; w < lcr_windows(a); w += gridDim.x) {
        double mean, norm;
        bool active;
        lcr_window_sums(a, z, w, N, s, mean, norm, active);
        if (active) {
            long long p = lcr_pos(a, w, threadIdx.x);
            double ne = norm + 1e-8, cg = 0, mg = 0;
            // gu_d = g * (s_d - u_d); cg = c . gu
            for (int d = 0; d < a.D; d++) {
                double c = ld(z, a.dt, p + d * cs) - mean;
                cg += c * g * (s[d] - c / ne);
            }
            double k = norm > 0 ? cg / (norm * ne * ne) : 0.0;
            for (int d = 0; d < a.D; d++) {
                double c = ld(z, a.dt, p + d * cs) - mean;
                mg += g * (s[d] - c / ne) / ne - c * k;
            }
            mg /= a.D;
            for (int d = 0; d < a.D; d++) {
                double c = ld(z, a.dt, p + d * cs) - mean;
                st(gz, a.dt, p + d * cs, g * (s[d] - c / ne) / ne - c * k - mg);
            }
        }
        __syncthreads();
    }
}

struct LmrArgs {
    int B, C, T, H, W, tb, hb, wb, dt, tdt;
};

__device__ __forceinline__ bool lmr_masked(const LmrArgs& a, const unsigned char* blockMask, int t, int h, int w) {
    int nt = a.T / a.tb, nh = a.H / a.hb, nw = a.W / a.wb;
    int bt = t / a.tb, bh = h / a.hb, bw = w / a.wb;
    if (bt >= nt || bh >= nh || bw >= nw) return false;
    return blockMask[(bt * nh + bh) * nw + bw] != 0;
}

extern "C" __global__ void lmr_apply(const void* z, const void* token, const unsigned char* blockMask, void* out, LmrArgs a) {
    int n = a.B * a.C * a.T * a.H * a.W;
    GRID_STRIDE(i, n) {
        int w = i % a.W, r = i / a.W, h = r % a.H; r /= a.H; int t = r % a.T; r /= a.T; int c = r % a.C;
        st(out, a.dt, i, lmr_masked(a, blockMask, t, h, w) ? ld(token, a.tdt, c) : ld(z, a.dt, i));
    }
}

// gToken (dtype tdt, [C]) must be zeroed first.
extern "C" __global__ void lmr_backward(const void* gOut, const unsigned char* blockMask, void* gz, void* gToken, LmrArgs a) {
    int n = a.B * a.C * a.T * a.H * a.W;
    GRID_STRIDE(i, n) {
        int w = i % a.W, r = i / a.W, h = r % a.H; r /= a.H; int t = r % a.T; r /= a.T; int c = r % a.C;
        double g = ld(gOut, a.dt, i);
        if (lmr_masked(a, blockMask, t, h, w)) { st(gz, a.dt, i, 0.0); atomic_add_dt(gToken, a.tdt, c, g); }
        else st(gz, a.dt, i, g);
    }
}
