// Index kernels with PyTorch semantics (negative indices wrap once; anything else out of range sets *err and is
// skipped, the Java side then throws IndexOutOfBoundsException):
//   kind 0  torch.index_select(x, dim, index)        iterate out;  operands 0 = x, 1 = out; index 1-D
//   kind 1  dst.index_add_(dim, index, src)           iterate src;  operands 0 = dst, 1 = src; index 1-D
//   kind 2  torch.gather(x, dim, index)               iterate out;  operands 0 = x, 1 = out, 2 = index
//   kind 3  dst.scatter_add_(dim, index, src)         iterate index; operands 0 = dst, 1 = src, 2 = index
// The accumulating kinds use atomics, so floating sums over repeated indices may differ from the CPU's sequential
// order in the last bits.
#include "common.cuh"

struct IdxArgs {
    int kind, ndim, numel, dim, dimSize;
    int shape[MAXD];
    int s[3][MAXD];
    int off[3];
    int idxStride;  // kinds 0/1: stride of the 1-D index
    int dt0, dt1, idt;
};

HD inline void index_one(void* t0, void* t1, const void* index, int* err, const IdxArgs& a, int e) {
    {
        long long o0 = a.off[0], o1 = a.off[1], o2 = a.off[2];
        int rem = e, coord = 0;
        for (int d = a.ndim - 1; d >= 0; d--) {
            int i = rem % a.shape[d];
            rem /= a.shape[d];
            if (d == a.dim) coord = i;
            if (d != a.dim || a.kind >= 2) { o1 += (long long) i * a.s[1][d]; o2 += (long long) i * a.s[2][d]; }
            if (d != a.dim) o0 += (long long) i * a.s[0][d];
        }
        long long v = a.kind < 2 ? ldl(index, a.idt, a.off[2] + (long long) coord * a.idxStride) : ldl(index, a.idt, o2);
        if (v < 0) v += a.dimSize;
        if (v < 0 || v >= a.dimSize) {
#ifdef __CUDA_ARCH__
            atomicExch(err, 1);
#else
            *err = 1;
#endif
            return;
        }
        o0 += v * a.s[0][a.dim];
        if (a.kind < 2) o1 += (long long) coord * a.s[1][a.dim];
        switch (a.kind) {
            case 0: case 2:
                if (dt_is_int(a.dt0)) stl(t1, a.dt1, o1, ldl(t0, a.dt0, o0)); else st(t1, a.dt1, o1, ld(t0, a.dt0, o0));
                break;
            default:
                accumulate_dt(t0, a.dt0, o0, ld(t1, a.dt1, o1));
                break;
        }
    }
}

extern "C" __global__ void index_ops(void* t0, const void* t1, const void* index, int* err, IdxArgs a) {
    GRID_STRIDE(e, a.numel) index_one(t0, (void*) t1, index, err, a, e);
}
