package ssvae.kernels.cpu;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.InterpMode;
import ssvae.tensor.Tensor;

import static ssvae.kernels.cpu.NnKernelCheck.*;
import static org.junit.jupiter.api.Assertions.*;

/** Interpolation kernels: F32 fast path against the double reference (all modes, up/down, odd sizes); coordinates. */
class CpuInterpolateTest {
    final Generator g = new Generator(31);

    /** {N, C, D, H, W, OD, OH, OW}. */
    static final int[][] CASES = {
            {1, 2, 1, 3, 5, 1, 6, 10}, {2, 3, 1, 1, 7, 1, 1, 3}, {1, 2, 3, 5, 4, 6, 10, 8}, {1, 1, 5, 7, 9, 3, 4, 5},
            {2, 1, 2, 3, 3, 5, 7, 11}, {1, 3, 1, 1, 1, 2, 3, 4}, {1, 1, 4, 4, 4, 4, 4, 4}};

    private static double[] ratios(int[] c, boolean byFactor) {
        double[] s = new double[3];
        // by scale factor: 1/sf with sf = out/in rounded up a little, as F.interpolate(scale_factor=...) passes it
        for (int d = 0; d < 3; d++) s[d] = byFactor ? 1.0 / (c[5 + d] / (double) c[2 + d] + 0.01) : (double) c[2 + d] / c[5 + d];
        return s;
    }

    @Test void fastMatchesReference() {
        for (int[] c : CASES)
            for (InterpMode mode : InterpMode.values())
                for (boolean align : new boolean[] {false, true})
                    for (boolean byFactor : new boolean[] {false, true}) {
                        if (align && mode != InterpMode.LINEAR) continue;
                        double[] sc = ratios(c, byFactor);
                        Tensor x = atOffset(randn(g, DType.F32, c[0], c[1], c[2], c[3], c[4]), 7);
                        Tensor of = Tensor.empty(DType.F32, Device.CPU, c[0], c[1], c[5], c[6], c[7]);
                        Tensor or = Tensor.empty(DType.F32, Device.CPU, c[0], c[1], c[5], c[6], c[7]);
                        CpuNn.interpolate(mode, x, of, align, sc);
                        CpuInterpolate.forwardRef(mode, x, or, align, sc);
                        String what = mode + " align=" + align + " " + java.util.Arrays.toString(c);
                        close(what, or, of, 1e-6, 1e-5);
                        Tensor go = randn(g, DType.F32, c[0], c[1], c[5], c[6], c[7]);
                        Tensor gf = Tensor.full(5, DType.F32, Device.CPU, c[0], c[1], c[2], c[3], c[4]);
                        Tensor gr = Tensor.empty(DType.F32, Device.CPU, c[0], c[1], c[2], c[3], c[4]);
                        CpuNn.interpolateBackward(mode, go, gf, align, sc);
                        CpuInterpolate.backwardRef(mode, go, gr, align, sc);
                        close(what + " backward (overwrites gIn)", gr, gf, 1e-5, 1e-5);
                    }
    }

    @Test void coordinatesFollowPyTorch() {
        // legacy nearest: floor(dst * in/out); out == 2 * in is a shift
        int[] near = new int[5], exact = new int[5];
        for (int o = 0; o < 5; o++) { near[o] = InterpCoords.nearest(o, 3, 5, 3 / 5.0); exact[o] = InterpCoords.nearestExact(o, 3, 3 / 5.0); }
        assertArrayEquals(new int[] {0, 0, 1, 1, 2}, near);
        assertArrayEquals(new int[] {0, 0, 1, 2, 2}, exact);
        assertEquals(3, InterpCoords.nearest(7, 4, 8, 0.3));
        // linear, align_corners=False, 2x: src = (dst + 0.5) / 2 - 0.5 clamped at 0
        InterpCoords c = InterpCoords.of(InterpMode.LINEAR, 2, 4, 0.5, false, DType.F32);
        assertArrayEquals(new int[] {0, 0, 0, 1}, c.i0);
        assertArrayEquals(new int[] {1, 1, 1, 1}, c.i1);
        // at the last index the right tap repeats the left one (guard_index_and_lambda keeps lambda 0.25)
        assertArrayEquals(new double[] {0, 0.25, 0.75, 0.25}, c.w1, 0);
        // align_corners=True: src = dst * (in - 1) / (out - 1)
        InterpCoords a = InterpCoords.of(InterpMode.LINEAR, 3, 5, 0.6, true, DType.F64);
        assertArrayEquals(new double[] {0, 0.5, 0, 0.5, 0}, a.w1, 0);
        assertArrayEquals(new int[] {0, 0, 1, 1, 2}, a.i0);
    }

    @Test void referenceAcceptsBf16AndF64() {
        Tensor x = randn(g, DType.F32, 1, 2, 1, 3, 4);
        Tensor xb = Tensor.empty(DType.BF16, Device.CPU, 1, 2, 1, 3, 4);
        CpuElementwise.copy(x, xb);
        Tensor ob = Tensor.empty(DType.BF16, Device.CPU, 1, 2, 1, 6, 8), of = Tensor.empty(DType.F32, Device.CPU, 1, 2, 1, 6, 8);
        double[] sc = {1, 0.5, 0.5};
        CpuNn.interpolate(InterpMode.LINEAR, xb, ob, false, sc);
        CpuInterpolate.forwardRef(InterpMode.LINEAR, xb, of, false, sc);
        close("bf16 bilinear", of, ob, 1e-2, 8e-3);
    }

    @Test void rejectsBadShapes() {
        Tensor x = Tensor.empty(DType.F32, Device.CPU, 1, 2, 1, 3, 4);
        assertThrows(IllegalArgumentException.class, () -> CpuNn.interpolate(InterpMode.NEAREST, x, Tensor.empty(DType.F32, Device.CPU, 1, 3, 1, 3, 4), false, new double[] {1, 1, 1}));
        assertThrows(IllegalArgumentException.class, () -> CpuNn.interpolate(InterpMode.NEAREST, x, Tensor.empty(DType.F32, Device.CPU, 1, 2, 3, 4), false, new double[] {1, 1, 1}));
    }
}
