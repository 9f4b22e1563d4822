// Philox4x32-10 random fills (torch.rand / randn / bernoulli with the counter layout of ssvae.tensor.Philox and
// ssvae.kernels.cpu.CpuRandom): element i uses counter (offset + i/4), lane i%4, key = seed; uniform = (bits >>> 8)
// * 2^-24; normal = Box-Muller on lane pairs (0,1), (2,3) with u = (bits + 1) * 2^-32, computed in double like the
// CPU so both backends produce the same numbers.
#include "common.cuh"

HD inline void philox(unsigned long long seed, unsigned long long c, unsigned int out[4]) {
    unsigned int c0 = (unsigned int) c, c1 = (unsigned int) (c >> 32), c2 = 0, c3 = 0;
    unsigned int k0 = (unsigned int) seed, k1 = (unsigned int) (seed >> 32);
    const unsigned int M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
    #pragma unroll
    for (int r = 0; r < 10; r++) {
        unsigned long long p0 = (unsigned long long) M0 * c0;
        unsigned long long p1 = (unsigned long long) M1 * c2;
        unsigned int n0 = (unsigned int) (p1 >> 32) ^ c1 ^ k0;
        unsigned int n1 = (unsigned int) p1;
        unsigned int n2 = (unsigned int) (p0 >> 32) ^ c3 ^ k1;
        unsigned int n3 = (unsigned int) p0;
        c0 = n0; c1 = n1; c2 = n2; c3 = n3;
        k0 += W0; k1 += W1;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

// Exposes the raw block for bit-exact tests: out[4*i + lane] for counters offset .. offset + n - 1.
extern "C" __global__ void philox_blocks(unsigned long long seed, unsigned long long offset, int n, unsigned int* out) {
    GRID_STRIDE(i, n) {
        unsigned int r[4];
        philox(seed, offset + i, r);
        for (int l = 0; l < 4; l++) out[4 * i + l] = r[l];
    }
}

// Value of element i (lane = i % 4) from its Philox block r.
HD inline double random_value(int kind, const unsigned int r[4], int lane, double a, double b) {
    if (kind == 0) return a + (b - a) * (double) ((float) (r[lane] >> 8) * 0x1.0p-24f);
    if (kind == 2) return ((float) (r[lane] >> 8) * 0x1.0p-24f) < a ? 1.0 : 0.0;
    double u1 = ((double) r[lane & ~1] + 1.0) * 0x1.0p-32;
    double u2 = ((double) r[lane | 1] + 1.0) * 0x1.0p-32;
    double rad = sqrt(-2.0 * log(u1));
    double th = 2.0 * 3.141592653589793 * u2;
    return a + b * ((lane & 1) == 0 ? rad * cos(th) : rad * sin(th));
}

// kind: 0 uniform [a, b), 1 normal (mean a, std b), 2 bernoulli (p = a); out contiguous from element outOff.
extern "C" __global__ void random_fill(int kind, void* out, int dt, long long outOff, int n, double a, double b,
                                       unsigned long long seed, unsigned long long offset) {
    int blocks = (n + 3) / 4;
    GRID_STRIDE(blk, blocks) {
        unsigned int r[4];
        philox(seed, offset + blk, r);
        for (int lane = 0; lane < 4; lane++) {
            int i = blk * 4 + lane;
            if (i >= n) break;
            st(out, dt, outOff + i, random_value(kind, r, lane, a, b));
        }
    }
}
