// Block-wide reductions (warp shuffles + one shared slot per warp); blockDim.x must be a multiple of 32.
#pragma once

template <typename T> __device__ __forceinline__ T warp_sum(T v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

template <typename T> __device__ __forceinline__ T warp_max(T v) {
    for (int o = 16; o > 0; o >>= 1) { T w = __shfl_xor_sync(0xffffffffu, v, o); v = (v != v || w != w) ? (v != v ? v : w) : (w > v ? w : v); }
    return v;
}

// Every thread gets the block's sum (or max). Uses a 33-slot scratch of T; safe to call repeatedly.
template <typename T, bool MAX> __device__ T block_reduce(T v, T* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    v = MAX ? warp_max(v) : warp_sum(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    if (warp == 0) {
        T w = lane < nw ? scratch[lane] : (MAX ? (T) -INFINITY : (T) 0);
        w = MAX ? warp_max(w) : warp_sum(w);
        if (lane == 0) scratch[32] = w;
    }
    __syncthreads();
    return scratch[32];
}
