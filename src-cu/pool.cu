// F.max_pool3d (and 1d/2d through size-1 dims) with return_indices: indices are flat offsets within each D*H*W
// plane (PyTorch's layout); implicit -inf padding; NaN propagates (ATen: val > max || isnan(val), so the last NaN's index is kept); ceil_mode
// sizes come from Java (PoolParams.outSize). Backward: gIn (zeroed) += gOut at the saved index (atomics).
#include "common.cuh"

struct PoolArgs {
    int nc, dt, idt;
    int in[3], out[3], k[3], s[3], p[3];
};

HD inline void maxpool_one(const void* x, void* out, long long* indices, const PoolArgs& a, int idx) {
    int ow = idx % a.out[2]; int t = idx / a.out[2]; int oh = t % a.out[1]; t /= a.out[1]; int od = t % a.out[0], nc = t / a.out[0];
    long long plane = (long long) a.in[0] * a.in[1] * a.in[2];
    long long base = (long long) nc * plane;
    double best = -INFINITY;
    long long bi = -1;
    for (int kd = 0; kd < a.k[0]; kd++) {
        int id = od * a.s[0] - a.p[0] + kd;
        if (id < 0 || id >= a.in[0]) continue;
        for (int kh = 0; kh < a.k[1]; kh++) {
            int ih = oh * a.s[1] - a.p[1] + kh;
            if (ih < 0 || ih >= a.in[1]) continue;
            for (int kw = 0; kw < a.k[2]; kw++) {
                int iw = ow * a.s[2] - a.p[2] + kw;
                if (iw < 0 || iw >= a.in[2]) continue;
                long long off = ((long long) id * a.in[1] + ih) * a.in[2] + iw;
                double v = ld(x, a.dt, base + off);
                if (bi < 0 || v > best || isnan(v)) { best = v; bi = off; }
            }
        }
    }
    st(out, a.dt, idx, best);
    indices[idx] = bi < 0 ? 0 : bi;
}

extern "C" __global__ void maxpool_fwd(const void* x, void* out, long long* indices, PoolArgs a) {
    int n = a.nc * a.out[0] * a.out[1] * a.out[2];
    GRID_STRIDE(idx, n) maxpool_one(x, out, indices, a, idx);
}

// gIn must be zeroed first.
extern "C" __global__ void maxpool_bwd(const void* gOut, const long long* indices, void* gIn, PoolArgs a) {
    int n = a.nc * a.out[0] * a.out[1] * a.out[2];
    long long plane = (long long) a.in[0] * a.in[1] * a.in[2];
    GRID_STRIDE(idx, n) {
        int nc = idx / (a.out[0] * a.out[1] * a.out[2]);
        accumulate_dt(gIn, a.dt, (long long) nc * plane + indices[idx], ld(gOut, a.dt, idx));
    }
}
