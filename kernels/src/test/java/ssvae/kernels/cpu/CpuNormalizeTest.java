package ssvae.kernels.cpu;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.NormMode;
import ssvae.tensor.Tensor;

import static ssvae.kernels.cpu.NnKernelCheck.*;
import static org.junit.jupiter.api.Assertions.*;

/** Row normalisation kernels: F32 fast path against the double reference for every mode and layout; hand values. */
class CpuNormalizeTest {
    final Generator g = new Generator(21);
    /** {outer, r, inner}: rows (inner 1), column blocks (inner > 1, odd, over one block), chunked rows (r > CH). */
    static final int[][] VIEWS = {{3, 7, 1}, {5, 33, 1}, {2, 5, 13}, {3, 9, 531}, {1, 1, 1}, {2, 20001, 1}, {1, 3, 1027}};

    private static Tensor f32(int... s) { return Tensor.empty(DType.F32, Device.CPU, s); }

    @Test void fastMatchesReference() {
        for (int[] v : VIEWS)
            for (NormMode mode : NormMode.values()) {
                int outer = v[0], r = v[1], inner = v[2];
                // a shifted mean checks the centred variance does not cancel
                Tensor x = atOffset(Tensor.normal(g, mode == NormMode.CENTERED ? 30 : 0, 2, DType.F32, Device.CPU, outer, r, inner), 5);
                Tensor yf = f32(outer, r, inner), yr = f32(outer, r, inner);
                Tensor mf = f32(outer, inner), mr = f32(outer, inner), sf = f32(outer, inner), sr = f32(outer, inner);
                double eps = 1e-5;
                CpuNn.normalize(mode, x, outer, r, inner, eps, yf, mf, sf);
                CpuNormalize.forwardRef(mode, x, outer, r, inner, eps, yr, mr, sr);
                String what = mode + " [" + outer + ", " + r + ", " + inner + "]";
                // centred data at mean 30: the F32 path subtracts a float mean (ulp 2e-6) scaled by rstd
                close(what + " y", yr, yf, mode == NormMode.CENTERED ? 1e-4 : 1e-5, 1e-4);
                close(what + " mean", mr, mf, 1e-5, 1e-5);
                close(what + " rstd", sr, sf, 1e-6, 1e-4);
                Tensor gy = randn(g, DType.F32, outer, r, inner);
                Tensor gf = f32(outer, r, inner), gr = f32(outer, r, inner);
                CpuNn.normalizeBackward(mode, x, outer, r, inner, eps, mr, sr, gy, gf);
                CpuNormalize.backwardRef(mode, x, outer, r, inner, eps, mr, sr, gy, gr);
                double scale = mode == NormMode.L2 ? 1e-2 : 1;
                close(what + " backward", gr, gf, 1e-4 * scale, 2e-3);
            }
    }

    @Test void handValues() {
        // group norm of one group [1, 2, 3, 4]: mean 2.5, biased var 1.25 -> (x - 2.5) / sqrt(1.25 + eps)
        Tensor x = Tensor.fromArray(new double[] {1, 2, 3, 4}, 1, 4, 1);
        Tensor y = Tensor.empty(DType.F64, Device.CPU, 1, 4, 1), m = Tensor.empty(DType.F64, Device.CPU, 1, 1), s = Tensor.empty(DType.F64, Device.CPU, 1, 1);
        CpuNn.normalize(NormMode.CENTERED, x, 1, 4, 1, 0, y, m, s);
        double q = Math.sqrt(1.25);
        assertArrayEquals(new double[] {-1.5 / q, -0.5 / q, 0.5 / q, 1.5 / q}, values(y), 1e-14);
        assertEquals(2.5, values(m)[0], 0);
        // L2 along the middle axis of [[3], [4]] is [0.6, 0.8]; the eps clamp applies to a zero vector
        Tensor v = Tensor.fromArray(new float[] {3, 0, 4, 0}, 1, 2, 2), out = f32(1, 2, 2);
        CpuNn.normalize(NormMode.L2, v, 1, 2, 2, 1e-12, out, f32(1, 2), f32(1, 2));
        assertArrayEquals(new double[] {0.6, 0, 0.8, 0}, values(out), 1e-7);
        // RMS of [1, 7]: rms = 5
        Tensor w = Tensor.fromArray(new float[] {1, 7}, 1, 2, 1), o2 = f32(1, 2, 1);
        CpuNn.normalize(NormMode.RMS, w, 1, 2, 1, 0, o2, f32(1, 1), f32(1, 1));
        assertArrayEquals(new double[] {0.2, 1.4}, values(o2), 1e-7);
    }

    @Test void l2BackwardBelowEpsIsPlainScaling() {
        // ||x|| < eps: y = x / eps, so gx = gy / eps (clamp_min blocks the norm's gradient)
        Tensor x = Tensor.fromArray(new double[] {1e-4, -2e-4}, 1, 2, 1), gy = Tensor.fromArray(new double[] {1, 3}, 1, 2, 1);
        Tensor m = Tensor.empty(DType.F64, Device.CPU, 1, 1), s = Tensor.empty(DType.F64, Device.CPU, 1, 1);
        CpuNn.normalize(NormMode.L2, x, 1, 2, 1, 1e-2, Tensor.empty(DType.F64, Device.CPU, 1, 2, 1), m, s);
        Tensor gx = Tensor.empty(DType.F64, Device.CPU, 1, 2, 1);
        CpuNn.normalizeBackward(NormMode.L2, x, 1, 2, 1, 1e-2, m, s, gy, gx);
        assertArrayEquals(new double[] {100, 300}, values(gx), 1e-9);
    }

    @Test void rejectsBadViews() {
        Tensor x = f32(2, 3);
        assertThrows(IllegalArgumentException.class, () -> CpuNn.normalize(NormMode.RMS, x, 2, 2, 2, 1e-5, f32(2, 3), f32(2, 2), f32(2, 2)));
        assertThrows(IllegalArgumentException.class, () -> CpuNn.normalize(NormMode.RMS, x, 2, 3, 1, 1e-5, f32(2, 3), f32(3), f32(2)));
    }
}
