// Reductions: torch.sum / prod / amax / amin over any set of dims (keepdim form), torch.argmax / argmin along
// one dim (first occurrence; NaN wins, as in PyTorch), plus fused loss reductions used by the VAE:
//   loss_kl_sum   sum 0.5 * (mean^2 + exp(logvar) - 1 - logvar)  (DiagonalGaussianDistribution.kl, unreduced sum)
//   loss_l1_sum   sum |a - b|                                     (F.l1_loss(reduction='sum'))
// Floating sums accumulate in double like the CPU reference (CpuReduce); integer SUM/MAX/MIN in 64-bit integers.
#include "common.cuh"

// Kept dims (shape, x stride, out stride) and reduced dims (shape, x stride).
struct RedGeo {
    int nk, nr, nOut, nRed;
    int kshape[MAXD], kxs[MAXD], kos[MAXD];
    int rshape[MAXD], rxs[MAXD];
    int xoff, ooff;
};

HD inline double red_identity(int op) {
    switch (op) {
        case R_SUM: return 0.0;
        case R_PROD: return 1.0;
        case R_MAX: return -INFINITY;
        default: return INFINITY;
    }
}

HD inline double red_combine(int op, double acc, double v) {
    switch (op) {
        case R_SUM: return acc + v;
        case R_PROD: return acc * v;
        case R_MAX: return (isnan(acc) || isnan(v)) ? nan("") : fmax(acc, v);
        default: return (isnan(acc) || isnan(v)) ? nan("") : fmin(acc, v);
    }
}

HD inline long long red_combine_l(int op, long long acc, long long v) {
    switch (op) {
        case R_SUM: return acc + v;
        case R_PROD: return acc * v;
        case R_MAX: return acc > v ? acc : v;
        default: return acc < v ? acc : v;
    }
}

// Output o's base offsets and the fold of reduced elements r = start, start + step, ... (host: start 0, step 1).
HD inline void red_partial(int op, const void* x, int xdt, const RedGeo& g, int o, int start, int step,
                           long long& ob, double& acc, long long& accl) {
    bool ints = dt_is_int(xdt) && op != R_PROD;
    long long xb = g.xoff;
    ob = g.ooff;
    int rem = o;
    for (int d = g.nk - 1; d >= 0; d--) {
        int i = rem % g.kshape[d];
        rem /= g.kshape[d];
        xb += (long long) i * g.kxs[d];
        ob += (long long) i * g.kos[d];
    }
    acc = red_identity(op);
    accl = op == R_SUM ? 0 : op == R_MAX ? LLONG_MIN : op == R_MIN ? LLONG_MAX : 1;
    for (int r = start; r < g.nRed; r += step) {
        long long p = xb;
        int rr = r;
        for (int d = g.nr - 1; d >= 0; d--) {
            int i = rr % g.rshape[d];
            rr /= g.rshape[d];
            p += (long long) i * g.rxs[d];
        }
        if (ints) accl = red_combine_l(op, accl, ldl(x, xdt, p));
        else acc = red_combine(op, acc, ld(x, xdt, p));
    }
}

// One block per output element (grid-stride over outputs); threads stride over the reduced block.
// blockDim.x is a power of two <= 1024 (LaunchConfig.reduceThreads); shared memory: blockDim.x doubles.
extern "C" __global__ void reduce_dims(int op, const void* x, int xdt, void* out, int odt, RedGeo g) {
    extern __shared__ double sh[];
    long long* shl = (long long*) sh;
    bool ints = dt_is_int(xdt) && op != R_PROD;
    for (int o = blockIdx.x; o < g.nOut; o += gridDim.x) {
        long long ob;
        double acc;
        long long accl;
        red_partial(op, x, xdt, g, o, threadIdx.x, blockDim.x, ob, acc, accl);
        __syncthreads();
        if (ints) shl[threadIdx.x] = accl; else sh[threadIdx.x] = acc;
        __syncthreads();
        for (int s = blockDim.x / 2; s > 0; s >>= 1) {
            if (threadIdx.x < s) {
                if (ints) shl[threadIdx.x] = red_combine_l(op, shl[threadIdx.x], shl[threadIdx.x + s]);
                else sh[threadIdx.x] = red_combine(op, sh[threadIdx.x], sh[threadIdx.x + s]);
            }
            __syncthreads();
        }
        if (threadIdx.x == 0) {
            if (ints) stl(out, odt, ob, shl[0]); else st(out, odt, ob, sh[0]);
        }
    }
}

// One thread per output element; g describes the output iteration shape with operand 0 = x, 1 = out
// (size 1 along dim); n and st are the size and x stride along dim.
HD inline void arg_reduce_one(int op, const void* x, int xdt, long long* out, int n, int st, const Geo& g, int o) {
    long long off[2];
    bool mx = op == R_ARGMAX;
    {
        geo_offsets(g, o, 2, off);
        int best = 0;
        double bv = ld(x, xdt, off[0]);
        for (int i = 1; i < n && bv == bv; i++) {
            double v = ld(x, xdt, off[0] + (long long) i * st);
            if (v != v || (mx ? v > bv : v < bv)) { bv = v; best = i; }
        }
        out[off[1]] = best;
    }
}

extern "C" __global__ void arg_reduce(int op, const void* x, int xdt, long long* out, int n, int st, Geo g) {
    GRID_STRIDE(o, g.numel) arg_reduce_one(op, x, xdt, out, n, st, g, o);
}

__device__ __forceinline__ void block_sum_atomic(double v, double* result) {
    __shared__ double sh[32];
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) sh[warp] = v;
    __syncthreads();
    if (warp == 0) {
        v = lane < (int) ((blockDim.x + 31) >> 5) ? sh[lane] : 0.0;
        for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
        if (lane == 0) atomicAdd(result, v);
    }
}

// result (one double, zeroed by the caller) += sum of 0.5 * (mean^2 + exp(logvar) - 1 - logvar); contiguous inputs.
extern "C" __global__ void loss_kl_sum(const void* mean, const void* logvar, int dt, int n, double* result) {
    double acc = 0;
    GRID_STRIDE(i, n) {
        double m = ld(mean, dt, i), lv = ld(logvar, dt, i);
        acc += 0.5 * (m * m + exp(lv) - 1.0 - lv);
    }
    block_sum_atomic(acc, result);
}

// result (zeroed by the caller) += sum |a - b|; contiguous inputs.
extern "C" __global__ void loss_l1_sum(const void* a, const void* b, int dt, int n, double* result) {
    double acc = 0;
    GRID_STRIDE(i, n) acc += fabs(ld(a, dt, i) - ld(b, dt, i));
    block_sum_atomic(acc, result);
}
