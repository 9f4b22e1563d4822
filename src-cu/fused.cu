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

HD inline int lcr_windows(const LcrArgs& a) {
    int sp = (a.H / a.hw) * (a.W / a.ww);
    return a.part == 0 ? a.B * sp : a.B * ((a.F - 1) / a.tw) * sp;
}

// Element offset of channel 0 of position i of window w (channel stride F*H*W).
HD inline long long lcr_pos(const LcrArgs& a, int w, int i) {
    int swh = a.H / a.hw, sww = a.W / a.ww, sp = swh * sww;
    int b, f0, s;
    if (a.part == 0) { b = w / sp; s = w % sp; f0 = 0; }
    else { int nt = (a.F - 1) / a.tw; b = w / (nt * sp); int r = w % (nt * sp); f0 = 1 + (r / sp) * a.tw; s = r % sp; }
    int t = i / (a.hw * a.ww), q = i % (a.hw * a.ww);
    int h = (s / sww) * a.hw + q / a.ww, x = (s % sww) * a.ww + q % a.ww;
    return ((long long) b * a.D * a.F + (f0 + t)) * a.H * a.W + (long long) h * a.W + x;
}

// Per-position pieces shared by the kernels and the host emulation (src-cu/host/host_check.cu).
// Channel stride of z is F*H*W; p is the offset of channel 0 of the position.
HD inline void lcr_stats(const LcrArgs& a, const void* z, long long p, double& mean, double& norm) {
    long long cs = (long long) a.F * a.H * a.W;
    mean = 0;
    norm = 0;
    for (int d = 0; d < a.D; d++) mean += ld(z, a.dt, p + d * cs);
    mean /= a.D;
    for (int d = 0; d < a.D; d++) { double c = ld(z, a.dt, p + d * cs) - mean; norm += c * c; }
    norm = sqrt(norm);
}

// s[0..D-1] += u, s[D] += ||u||^2 (atomically on the device: s is shared by the window's threads).
HD inline void lcr_accumulate(const LcrArgs& a, const void* z, long long p, double mean, double norm, double* s) {
    long long cs = (long long) a.F * a.H * a.W;
    double inv = 1.0 / (norm + 1e-8);
    for (int d = 0; d <= a.D; d++) {
        double v = d < a.D ? (ld(z, a.dt, p + d * cs) - mean) * inv : norm * norm * inv * inv;
#ifdef __CUDA_ARCH__
        atomicAdd(&s[d], v);
#else
        s[d] += v;
#endif
    }
}

// The window's value sum_{i<j} <u_i, u_j> from s.
HD inline double lcr_value(const LcrArgs& a, const double* s) {
    double ss = 0;
    for (int d = 0; d < a.D; d++) ss += s[d] * s[d];
    return 0.5 * (ss - s[a.D]);
}

// gz at one position for g * window value: gu = g (s - u); gc = gu / ne - c (c . gu) / (n ne^2); gx = gc - mean(gc).
HD inline void lcr_grad(const LcrArgs& a, const void* z, long long p, double mean, double norm, const double* s, double g, void* gz) {
    long long cs = (long long) a.F * a.H * a.W;
    double ne = norm + 1e-8, cg = 0, mg = 0;
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

HD inline int lcr_window_size(const LcrArgs& a) { return (a.part == 0 ? 1 : a.tw) * a.hw * a.ww; }

// One block per window (grid-stride), one thread per position (blockDim >= N, multiple of 32);
// dynamic shared memory: (D + 1) doubles holding s.
extern "C" __global__ void lcr_forward(const void* z, LcrArgs a, double* sum) {
    extern __shared__ double s[];
    int N = lcr_window_size(a);
    for (int w = blockIdx.x; w < lcr_windows(a); w += gridDim.x) {
        for (int d = threadIdx.x; d <= a.D; d += blockDim.x) s[d] = 0.0;
        __syncthreads();
        if (threadIdx.x < N) {
            long long p = lcr_pos(a, w, threadIdx.x);
            double mean, norm;
            lcr_stats(a, z, p, mean, norm);
            lcr_accumulate(a, z, p, mean, norm, s);
        }
        __syncthreads();
        if (threadIdx.x == 0) atomicAdd(sum, lcr_value(a, s));
        __syncthreads();
    }
}

// gz (dtype a.dt) receives d(g * window sums)/dz for the part's frames.
extern "C" __global__ void lcr_backward(const void* z, LcrArgs a, double g, void* gz) {
    extern __shared__ double s[];
    int N = lcr_window_size(a);
    for (int w = blockIdx.x; w < lcr_windows(a); w += gridDim.x) {
        for (int d = threadIdx.x; d <= a.D; d += blockDim.x) s[d] = 0.0;
        __syncthreads();
        long long p = 0;
        double mean = 0, norm = 0;
        if (threadIdx.x < N) {
            p = lcr_pos(a, w, threadIdx.x);
            lcr_stats(a, z, p, mean, norm);
            lcr_accumulate(a, z, p, mean, norm, s);
        }
        __syncthreads();
        if (threadIdx.x < N) lcr_grad(a, z, p, mean, norm, s, g, gz);
        __syncthreads();
    }
}

struct LmrArgs {
    int B, C, T, H, W, tb, hb, wb, dt, tdt;
};

HD inline bool lmr_masked(const LmrArgs& a, const unsigned char* blockMask, int t, int h, int w) {
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
