package ssvae.kernels.cpu;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.Philox;
import ssvae.tensor.RandomKind;
import ssvae.tensor.Tensor;

/** Philox fills; element i uses counter offset + i/4, lane i%4, so results are independent of threads and backend. */
public final class CpuRandom {
    private CpuRandom() {}

    public static void fill(RandomKind kind, Tensor out, double a, double b, long seed, long offset) {
        if (!out.isContiguous()) throw new IllegalArgumentException("random fill needs a contiguous output");
        CpuStorage s = (CpuStorage) out.storage();
        int n = out.numel(), base = out.offset();
        int blocks = (n + 3) / 4;
        float[] f32 = out.dtype() == ssvae.tensor.DType.F32 ? s.f32() : null;
        Parallel.forRange(blocks, 4096, (bs, be) -> {
            int[] r = new int[4];
            for (int blk = bs; blk < be; blk++) {
                Philox.block(seed, offset + blk, r);
                for (int lane = 0; lane < 4; lane++) {
                    int i = blk * 4 + lane;
                    if (i >= n) break;
                    double v = switch (kind) {
                        case UNIFORM -> a + (b - a) * Philox.uniform(r[lane]);
                        case BERNOULLI -> Philox.uniform(r[lane]) < a ? 1 : 0;
                        case NORMAL -> {
                            // Box-Muller on lane pairs (0,1) and (2,3)
                            double u1 = Philox.uniformOpen(r[lane & ~1]);
                            double u2 = Philox.uniformOpen(r[lane | 1]);
                            double rad = Math.sqrt(-2 * Math.log(u1));
                            double th = 2 * Math.PI * u2;
                            yield a + b * ((lane & 1) == 0 ? rad * Math.cos(th) : rad * Math.sin(th));
                        }
                    };
                    if (f32 != null) f32[base + i] = (float) v; else s.setDouble(base + i, v);
                }
            }
        });
    }
}
