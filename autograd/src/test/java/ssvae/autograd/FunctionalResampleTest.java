package ssvae.autograd;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.F;
import ssvae.tensor.Generator;
import ssvae.tensor.InterpMode;
import ssvae.tensor.Tensor;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static ssvae.autograd.FunctionalTesting.*;

/** F.interpolate (every mode, 1-3 spatial dims, size and scale factor), pixel (un)shuffle 2-D/3-D, max/avg pooling. */
class FunctionalResampleTest {
    final Generator g = new Generator(303);

    private static Tensor x22() { return f64(new double[] {1, 2, 3, 4}, 1, 1, 2, 2); }

    @Test void bilinearAndNearestTwoTimes() {
        // F.interpolate(tensor([[[[1., 2.], [3., 4.]]]]), scale_factor=2, mode='bilinear', align_corners=False)
        assertValues(new double[] {
                1, 1.25, 1.75, 2,
                1.5, 1.75, 2.25, 2.5,
                2.5, 2.75, 3.25, 3.5,
                3, 3.25, 3.75, 4}, F.interpolate(x22(), new double[] {2, 2}, InterpMode.LINEAR, false), 1e-15);
        // align_corners=True: corners kept, thirds in between
        double t = 1 / 3.0;
        assertValues(new double[] {
                1, 1 + t, 1 + 2 * t, 2,
                1 + 2 * t, 2, 2 + t, 2 + 2 * t,
                2 + t, 2 + 2 * t, 3, 3 + t,
                3, 3 + t, 3 + 2 * t, 4}, F.interpolate(x22(), new int[] {4, 4}, InterpMode.LINEAR, true), 1e-14);
        assertValues(new double[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, F.interpolate(x22(), new double[] {2, 2}, InterpMode.NEAREST, false), 0);
        // F32 gives the same values
        assertValues(new double[] {1, 1.25, 1.75, 2}, F.interpolate(x22().to(DType.F32), new int[] {4, 4}, InterpMode.LINEAR, false).narrow(2, 0, 1), 0);
    }

    @Test void oneDimensionalModesAndSizeVersusScaleFactor() {
        Tensor x3 = f64(new double[] {1, 2, 3}, 1, 1, 3);
        // nearest: floor(dst * 3/5); nearest-exact: floor((dst + 0.5) * 3/5)
        assertValues(new double[] {1, 1, 2, 2, 3}, F.interpolate(x3, new int[] {5}, InterpMode.NEAREST, false), 0);
        assertValues(new double[] {1, 1, 2, 3, 3}, F.interpolate(x3, new int[] {5}, InterpMode.NEAREST_EXACT, false), 0);
        assertValues(new double[] {1, 1.5, 2, 2.5, 3}, F.interpolate(x3, new int[] {5}, InterpMode.LINEAR, true), 1e-15);
        // linear downsampling [1, 2, 3, 4] -> 2: src = 2 * (dst + 0.5) - 0.5 = 0.5, 2.5
        assertValues(new double[] {1.5, 3.5}, F.interpolate(f64(new double[] {1, 2, 3, 4}, 1, 1, 4), new int[] {2}, InterpMode.LINEAR, false), 1e-15);
        // scale_factor 1.5 on 5 samples: 7 outputs mapped with 1/1.5 (not 5/7): the last output is 4.8333, not 5
        Tensor x5 = f64(new double[] {1, 2, 3, 4, 5}, 1, 1, 5);
        assertValues(new double[] {1, 1.5, 1 + 7 / 6.0, 1 + 11 / 6.0, 3.5, 1 + 19 / 6.0, 1 + 23 / 6.0},
                F.interpolate(x5, new double[] {1.5}, InterpMode.LINEAR, false), 1e-12);
        assertEquals(5.0, F.interpolate(x5, new int[] {7}, InterpMode.LINEAR, false).toDoubleArray()[6], 1e-12);
        // nearest with scale_factor 0.5 on 5: floor(5 * 0.5) = 2 outputs, src = floor(dst * 2)
        assertValues(new double[] {1, 3}, F.interpolate(x5, new double[] {0.5}, InterpMode.NEAREST, false), 0);
    }

    @Test void trilinearTwoTimesMatchesSeparableBilinearThenLinear() {
        Tensor x = Tensor.randn(g, DType.F64, Device.CPU, 1, 2, 3, 4, 5);
        Tensor tri = F.interpolate(x, new double[] {2, 2, 2}, InterpMode.LINEAR, false);
        assertArrayEquals(new int[] {1, 2, 6, 8, 10}, tri.shape());
        // separable: bilinear per frame, then linear along time
        Tensor hw = F.interpolate(x.permute(0, 2, 1, 3, 4).reshape(3, 2, 4, 5), new double[] {2, 2}, InterpMode.LINEAR, false)
                .reshape(1, 3, 2, 8, 10).permute(0, 2, 1, 3, 4);
        Tensor t = F.interpolate(hw.permute(0, 1, 3, 4, 2).reshape(1, 160, 3), new double[] {2}, InterpMode.LINEAR, false)
                .reshape(1, 2, 8, 10, 6).permute(0, 1, 4, 2, 3);
        assertValues(t.contiguous().toDoubleArray(), tri, 1e-12);
    }

    @Test void interpolateGradients() {
        Tensor[] xs = {GradCheck.leaf(g, 1, 2, 5), GradCheck.leaf(g, 1, 2, 3, 4), GradCheck.leaf(g, 1, 1, 2, 3, 3)};
        int[][] up = {{7}, {5, 7}, {3, 5, 4}}, down = {{3}, {2, 3}, {1, 2, 2}};
        double[][] sf = {{1.7}, {1.5, 2}, {2, 1.5, 0.6}};
        for (int k = 0; k < 3; k++)
            for (InterpMode mode : InterpMode.values())
                for (boolean align : new boolean[] {false, true}) {
                    if (align && mode != InterpMode.LINEAR) continue;
                    int kk = k;
                    GradCheck.check(in -> F.interpolate(in.get(0), up[kk], mode, align), List.of(xs[k]));
                    GradCheck.check(in -> F.interpolate(in.get(0), down[kk], mode, align), List.of(xs[k]));
                    GradCheck.check(in -> F.interpolate(in.get(0), sf[kk], mode, align), List.of(xs[k]));
                }
        GradCheck.check(in -> F.interpolate(in.get(0).transpose(2, 3), new int[] {3, 5}, InterpMode.LINEAR, false), List.of(xs[1]));
    }

    @Test void interpolateF32MatchesF64() {
        Tensor x = Tensor.randn(g, DType.F64, Device.CPU, 2, 3, 3, 5, 6);
        for (InterpMode mode : InterpMode.values())
            f32MatchesF64("interpolate " + mode, x, t -> F.interpolate(t, new double[] {2, 2, 2}, mode, false), 1e-6);
        f32MatchesF64("interpolate align", x, t -> F.interpolate(t, new int[] {4, 9, 7}, InterpMode.LINEAR, true), 1e-6);
    }

    @Test void pixelShuffleValuesInversesAndGradients() {
        // [1, 4, 1, 1] = 0..3 -> [1, 1, 2, 2] = [[0, 1], [2, 3]]
        double[] v = {0, 1, 2, 3};
        Tensor s = F.pixelShuffle(f64(v, 1, 4, 1, 1), 2);
        assertArrayEquals(new int[] {1, 1, 2, 2}, s.shape());
        assertValues(v, s, 0);
        // 3-D: channel c = (rt, rh, rw) lands at (t, h, w) = (rt, rh, rw)
        double[] v8 = {0, 1, 2, 3, 4, 5, 6, 7};
        Tensor s3 = F.pixelShuffle3d(f64(v8, 1, 8, 1, 1, 1), 2, 2, 2);
        assertArrayEquals(new int[] {1, 1, 2, 2, 2}, s3.shape());
        assertValues(v8, s3, 0);
        Tensor x = Tensor.randn(g, DType.F64, Device.CPU, 2, 12, 3, 5);
        assertValues(x.toDoubleArray(), F.pixelUnshuffle(F.pixelShuffle(x, 2), 2), 0);
        Tensor y = Tensor.randn(g, DType.F64, Device.CPU, 2, 3, 4, 6);
        assertValues(y.toDoubleArray(), F.pixelShuffle(F.pixelUnshuffle(y, 2), 2), 0);
        Tensor z = Tensor.randn(g, DType.F64, Device.CPU, 1, 24, 2, 3, 2);
        assertValues(z.toDoubleArray(), F.pixelUnshuffle3d(F.pixelShuffle3d(z, 2, 3, 2), 2, 3, 2), 0);
        Tensor z2 = Tensor.randn(g, DType.F64, Device.CPU, 1, 2, 4, 6, 2);
        assertValues(z2.toDoubleArray(), F.pixelShuffle3d(F.pixelUnshuffle3d(z2, 2, 3, 1), 2, 3, 1), 0);
        Tensor a = GradCheck.leaf(g, 1, 8, 2, 3), b = GradCheck.leaf(g, 1, 8, 2, 2, 2);
        GradCheck.check(in -> F.pixelShuffle(in.get(0), 2), List.of(a));
        GradCheck.check(in -> F.pixelUnshuffle(in.get(0), 2), List.of(GradCheck.leaf(g, 1, 2, 4, 2)));
        GradCheck.check(in -> F.pixelShuffle3d(in.get(0), 2, 2, 2), List.of(b));
        GradCheck.check(in -> F.pixelUnshuffle3d(in.get(0), 2, 2, 2), List.of(b));
        assertThrows(IllegalArgumentException.class, () -> F.pixelShuffle(x, 5));
        assertThrows(IllegalArgumentException.class, () -> F.pixelUnshuffle3d(z, 2, 2, 2));
    }

    @Test void poolingValuesAndGradients() {
        double[] v = new double[16];
        for (int i = 0; i < 16; i++) v[i] = i;
        Tensor x = f64(v, 1, 1, 4, 4);
        assertValues(new double[] {5, 7, 13, 15}, F.maxPool2d(x, 2, 2, 0, false), 0);
        assertValues(new double[] {2.5, 4.5, 10.5, 12.5}, F.avgPool2d(x, 2), 0);
        // kernel 3, stride 2, ceil_mode: out = ceil((4 - 3) / 2) + 1 = 2 -> windows rows {0..2}, {2..3}
        assertValues(new double[] {10, 11, 14, 15}, F.maxPool2d(x, 3, 2, 0, true), 0);
        assertValues(new double[] {5, 7, 13, 15}, F.maxPool2d(x, 3, 2, 1, false), 0);
        Tensor a = GradCheck.leaf(g, 2, 2, 5, 6), b = GradCheck.leaf(g, 1, 2, 3, 4, 5);
        GradCheck.check(in -> F.maxPool2d(in.get(0), 2, 2, 0, false), List.of(a));
        GradCheck.check(in -> F.maxPool2d(in.get(0), 3, 2, 1, true), List.of(a));
        GradCheck.check(in -> F.maxPool2d(in.get(0).transpose(2, 3), 2, 1, 1, false), List.of(a));
        GradCheck.check(in -> F.maxPool3d(in.get(0), new int[] {2, 2, 2}, new int[] {1, 2, 2}, new int[] {1, 0, 1}, false), List.of(b));
        GradCheck.check(in -> F.maxPool3d(in.get(0), new int[] {3, 2, 3}, new int[] {2, 2, 2}, new int[] {0, 1, 1}, true), List.of(b));
        GradCheck.check(in -> F.avgPool2d(in.get(0), 2), List.of(a));
        f32MatchesF64("max_pool3d", b.detach(), t -> F.maxPool3d(t, new int[] {2, 2, 2}, new int[] {1, 2, 2}, new int[] {1, 0, 1}, false), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> F.maxPool2d(x, 2, 2, 2, false));
        assertThrows(IllegalArgumentException.class, () -> F.maxPool2d(x, 6, 1, 0, false));
        assertThrows(IllegalArgumentException.class, () -> F.avgPool2d(x, 5));
        assertThrows(IllegalArgumentException.class, () -> F.interpolate(x, new int[] {0, 3}, InterpMode.LINEAR, false));
        assertThrows(IllegalArgumentException.class, () -> F.interpolate(x, new int[] {3, 3}, InterpMode.NEAREST, true));
        assertThrows(IllegalArgumentException.class, () -> F.interpolate(x, new double[] {-1, 2}, InterpMode.NEAREST, false));
    }
}
