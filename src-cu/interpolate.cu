// F.interpolate on N,C,D,H,W (mode nearest, nearest-exact, trilinear; align_corners) and its gradient
// (upsample_*_backward: the transpose, accumulated with atomics into a zeroed gIn).
// Source index rules follow ATen's UpSample.h (and ssvae.kernels.cpu.InterpCoords): nearest src = dst when out == in,
// dst >> 1 when out == 2 * in, else min(floorf(dst * scale), in - 1) in float; nearest-exact
// min(floorf((dst + 0.5) * scale), in - 1); linear src = align_corners ? dst * (in-1)/(out-1)
// : max(scale * (dst + 0.5) - 0.5, 0), i0 = min(floor(src), in - 1), i1 = i0 + (i0 < in - 1), lambda clamped to
// [0, 1], in the op-math type (float for F32/BF16/F16, double for F64). scale = in/out or 1/scale_factor (from Java).
#include "common.cuh"

#define I_NEAREST 0
#define I_NEAREST_EXACT 1
#define I_LINEAR 2

struct InterpArgs {
    int mode, alignCorners, nc, dt, gdt;
    int in[3], out[3];
    double scale[3];
};

HD inline int nearest_src(int mode, int dst, int in, int out, double scale) {
    float s = (float) scale, v;
    if (mode == I_NEAREST) {
        if (out == in) return dst;
        if (out == 2 * in) return dst >> 1;
        v = floorf(dst * s);
    } else {
        v = floorf((float) ((dst + 0.5) * (double) s));
    }
    int i = (int) v;
    return i < in - 1 ? i : in - 1;
}

// Linear taps along one dim: i0, i1 and weights l0, l1, computed in T (float, or double for F64 tensors).
template <typename T>
HD inline void linear_src(const InterpArgs& a, int d, int dst, int& i0, int& i1, double& l0, double& l1) {
    int in = a.in[d], out = a.out[d];
    T s = a.alignCorners ? (out > 1 ? (T) (in - 1) / (T) (out - 1) : (T) 0) : (T) a.scale[d];
    T src = a.alignCorners ? s * (T) dst : s * ((T) dst + (T) 0.5) - (T) 0.5;
    if (!a.alignCorners && src < 0) src = 0;
    int i = (int) floor((double) src);
    if (i > in - 1) i = in - 1;
    T l = src - (T) i;
    l = l < 0 ? (T) 0 : (l > 1 ? (T) 1 : l);
    i0 = i;
    i1 = i < in - 1 ? i + 1 : i;
    l1 = (double) l;
    l0 = (double) ((T) 1 - l);
}

// backward = 0: out[nc, od, oh, ow] = sum taps; backward = 1: gIn[taps] += w * gOut[...]
HD inline void interp_point(const InterpArgs& a, int idx, const void* src, void* dst, int backward) {
    int ow = idx % a.out[2]; int t = idx / a.out[2]; int oh = t % a.out[1]; t /= a.out[1]; int od = t % a.out[0], nc = t / a.out[0];
    long long inBase = (long long) nc * a.in[0] * a.in[1] * a.in[2];
    int o[3] = {od, oh, ow};
    int i0[3], i1[3];
    double l0[3], l1[3];
    for (int d = 0; d < 3; d++) {
        if (a.mode == I_LINEAR) {
            if (a.dt == DT_F64) linear_src<double>(a, d, o[d], i0[d], i1[d], l0[d], l1[d]);
            else linear_src<float>(a, d, o[d], i0[d], i1[d], l0[d], l1[d]);
        } else { i0[d] = i1[d] = nearest_src(a.mode, o[d], a.in[d], a.out[d], a.scale[d]); l0[d] = 1.0; l1[d] = 0.0; }
    }
    double g = backward ? ld(src, a.gdt, idx) : 0.0, acc = 0.0;
    int taps = a.mode == I_LINEAR ? 8 : 1;
    for (int tp = 0; tp < taps; tp++) {
        int bd = (tp >> 2) & 1, bh = (tp >> 1) & 1, bw = tp & 1;
        double w = (bd ? l1[0] : l0[0]) * (bh ? l1[1] : l0[1]) * (bw ? l1[2] : l0[2]);
        long long p = inBase + ((long long) (bd ? i1[0] : i0[0]) * a.in[1] + (bh ? i1[1] : i0[1])) * a.in[2] + (bw ? i1[2] : i0[2]);
        if (backward) { if (w != 0.0) accumulate_dt(dst, a.dt, p, w * g); }
        else acc += w * ld(src, a.dt, p);
    }
    if (!backward) st(dst, a.dt, idx, acc);
}

extern "C" __global__ void interpolate_fwd(const void* x, void* out, InterpArgs a) {
    int n = a.nc * a.out[0] * a.out[1] * a.out[2];
    GRID_STRIDE(i, n) interp_point(a, i, x, out, 0);
}

// gIn must be zeroed first; dt = gIn dtype, gdt = gOut dtype.
extern "C" __global__ void interpolate_bwd(const void* gOut, void* gIn, InterpArgs a) {
    int n = a.nc * a.out[0] * a.out[1] * a.out[2];
    GRID_STRIDE(i, n) interp_point(a, i, gOut, gIn, 1);
}
