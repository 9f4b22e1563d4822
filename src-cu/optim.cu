// Fused optimiser and averaging updates on contiguous F32 tensors (state in F32, parameter any float dtype):
//   adam_step  torch.optim.Adam / AdamW (decoupled = 1) single-tensor step, bias-corrected:
//              g += wd * p (Adam) | p *= 1 - lr * wd (AdamW); m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
//              p -= lr / bc1 * m / (sqrt(v / bc2) + eps), bc_i = 1 - b_i^step
//   ema_update torch.optim.swa_utils-style EMA: ema = decay * ema + (1 - decay) * p
#include "common.cuh"

struct AdamArgs {
    int n, pdt, gdt, decoupled;
    double lr, beta1, beta2, eps, wd, bc1, bc2;
};

extern "C" __global__ void adam_step(void* p, const void* g, float* m, float* v, AdamArgs a) {
    GRID_STRIDE(i, a.n) {
        double pv = ld(p, a.pdt, i), gv = ld(g, a.gdt, i);
        if (a.decoupled) pv *= 1.0 - a.lr * a.wd; else gv += a.wd * pv;
        double mv = a.beta1 * m[i] + (1.0 - a.beta1) * gv;
        double vv = a.beta2 * v[i] + (1.0 - a.beta2) * gv * gv;
        m[i] = (float) mv;
        v[i] = (float) vv;
        pv -= a.lr / a.bc1 * mv / (sqrt(vv / a.bc2) + a.eps);
        st(p, a.pdt, i, pv);
    }
}

extern "C" __global__ void ema_update(void* ema, int edt, const void* p, int pdt, int n, double decay) {
    GRID_STRIDE(i, n) st(ema, edt, i, decay * ld(ema, edt, i) + (1.0 - decay) * ld(p, pdt, i));
}
