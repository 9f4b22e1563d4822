package ssvae.kernels.cpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.InterpMode;
import ssvae.tensor.NormMode;
import ssvae.tensor.PoolParams;
import ssvae.tensor.Tensor;

import static ssvae.kernels.cpu.NnKernelCheck.*;

/**
 * The F32 nn kernels split into several parallel ranges (4 threads, sizes above every grain) still equal the
 * reference: per-range scratch (column accumulators, cached interpolation slices) must not leak between units.
 */
class CpuNnThreadsTest {
    final Generator g = new Generator(51);
    int saved;

    @BeforeEach void fourThreads() { saved = Parallel.threads(); Parallel.setThreads(4); }
    @AfterEach void restore() { Parallel.setThreads(saved); }

    private static Tensor f32(int... s) { return Tensor.empty(DType.F32, Device.CPU, s); }

    @Test void softmax() {
        for (int[] s : new int[][] {{600, 37}, {40, 37, 300}}) {
            Tensor x = randn(g, DType.F32, s), a = f32(s), b = f32(s);
            int dim = 1, outer = s[0], n = s[1], inner = s.length > 2 ? s[2] : 1;
            CpuNn.softmax(x, dim, true, a);
            CpuSoftmax.forwardRef(x, outer, n, inner, true, b);
            close("log_softmax " + java.util.Arrays.toString(s), b, a, 1e-5, 1e-5);
            Tensor ga = f32(s), gb = f32(s);
            CpuNn.softmaxBackward(b, x, dim, true, ga);
            CpuSoftmax.backwardRef(b, x, outer, n, inner, true, gb);
            close("log_softmax backward", gb, ga, 1e-5, 1e-4);
        }
    }

    @Test void normalize() {
        for (int[] v : new int[][] {{4000, 33, 1}, {8, 5, 3001}, {3, 30000, 1}})
            for (NormMode mode : NormMode.values()) {
                int outer = v[0], r = v[1], inner = v[2];
                Tensor x = randn(g, DType.F32, outer, r, inner), ya = f32(outer, r, inner), yb = f32(outer, r, inner);
                Tensor ma = f32(outer, inner), mb = f32(outer, inner), sa = f32(outer, inner), sb = f32(outer, inner);
                CpuNn.normalize(mode, x, outer, r, inner, 1e-5, ya, ma, sa);
                CpuNormalize.forwardRef(mode, x, outer, r, inner, 1e-5, yb, mb, sb);
                close(mode + " " + java.util.Arrays.toString(v), yb, ya, 1e-5, 1e-4);
                Tensor gy = randn(g, DType.F32, outer, r, inner), ga = f32(outer, r, inner), gb = f32(outer, r, inner);
                CpuNn.normalizeBackward(mode, x, outer, r, inner, 1e-5, mb, sb, gy, ga);
                CpuNormalize.backwardRef(mode, x, outer, r, inner, 1e-5, mb, sb, gy, gb);
                close(mode + " backward", gb, ga, mode == NormMode.L2 ? 1e-6 : 1e-4, 2e-3);
            }
    }

    @Test void interpolate() {
        int[] in = {1, 40, 5, 7, 9}, out = {1, 40, 10, 10, 10};
        double[] sc = {0.5, 0.7, 0.9};
        for (InterpMode mode : InterpMode.values()) {
            Tensor x = randn(g, DType.F32, in), a = f32(out), b = f32(out);
            CpuNn.interpolate(mode, x, a, false, sc);
            CpuInterpolate.forwardRef(mode, x, b, false, sc);
            close(mode + " forward", b, a, 1e-6, 1e-5);
            Tensor go = randn(g, DType.F32, out), ga = f32(in), gb = f32(in);
            CpuNn.interpolateBackward(mode, go, ga, false, sc);
            CpuInterpolate.backwardRef(mode, go, gb, false, sc);
            close(mode + " backward", gb, ga, 1e-5, 1e-5);
        }
    }

    @Test void maxPool() {
        PoolParams p = new PoolParams(new int[] {2, 3, 3}, new int[] {1, 2, 2}, new int[] {1, 1, 1}, true);
        int[] s = {2, 30, 4, 9, 11}, os = {2, 30, p.outSize(0, 4), p.outSize(1, 9), p.outSize(2, 11)};
        Tensor x = randn(g, DType.F32, s), a = f32(os), b = f32(os);
        Tensor ia = Tensor.empty(DType.I64, Device.CPU, os), ib = Tensor.empty(DType.I64, Device.CPU, os);
        CpuNn.maxPool(p, x, a, ia);
        CpuPool.forwardRef(p, x, b, ib);
        close("max pool", b, a, 0, 0);
        close("max pool indices", ib, ia, 0, 0);
        Tensor go = randn(g, DType.F32, os), ga = f32(s), gb = f32(s);
        CpuNn.maxPoolBackward(p, go, ia, ga);
        CpuPool.backwardRef(go, ia, gb);
        close("max pool backward", gb, ga, 1e-6, 1e-6);
    }
}
