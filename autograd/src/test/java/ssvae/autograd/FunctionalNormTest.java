package ssvae.autograd;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.F;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static ssvae.autograd.FunctionalTesting.*;

/** F.layer_norm, F.group_norm, F.normalize (p = 2 and 1), rms norm: PyTorch values, composed references, gradients. */
class FunctionalNormTest {
    final Generator g = new Generator(202);

    @Test void groupNormOfAKnownTensor() {
        // x = arange(1, 9).view(1, 4, 2), 2 groups: each group {1,2,3,4} / {5,6,7,8} has biased var 1.25
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8};
        double q = Math.sqrt(1.25 + 1e-5);
        double[] n = {-1.5 / q, -0.5 / q, 0.5 / q, 1.5 / q};
        Tensor w = f64(new double[] {1, 2, 3, 4}, 4), b = f64(new double[] {0, 0, 0, 1}, 4);
        Tensor y = F.groupNorm(f64(v, 1, 4, 2), 2, w, b, 1e-5);
        assertValues(new double[] {n[0], n[1], 2 * n[2], 2 * n[3], 3 * n[0], 3 * n[1], 4 * n[2] + 1, 4 * n[3] + 1}, y, 1e-12);
    }

    @Test void layerNormMatchesDefinition() {
        Tensor x = Tensor.randn(g, DType.F64, Device.CPU, 2, 3, 4);
        Tensor w = Tensor.randn(g, DType.F64, Device.CPU, 3, 4), b = Tensor.randn(g, DType.F64, Device.CPU, 3, 4);
        Tensor mu = x.mean(new int[] {1, 2}, true), var = x.var(new int[] {1, 2}, false, true);
        Tensor ref = x.sub(mu).div(var.add(1e-5).sqrt()).mul(w).add(b);
        assertValues(ref.toDoubleArray(), F.layerNorm(x, new int[] {3, 4}, w, b, 1e-5), 1e-12);
        assertValues(new double[] {-1.5 / Math.sqrt(1.25), -0.5 / Math.sqrt(1.25), 0.5 / Math.sqrt(1.25), 1.5 / Math.sqrt(1.25)},
                F.layerNorm(f64(new double[] {1, 2, 3, 4}, 4), new int[] {4}, null, null, 0), 1e-14);
    }

    @Test void normalizeAndRmsNormValues() {
        // F.normalize([[3, 4]], dim=1) = [0.6, 0.8]; p=1: [3/7, 4/7]; zero rows stay zero (eps clamp)
        assertValues(new double[] {0.6, 0.8, 0, 0}, F.normalize(f64(new double[] {3, 4, 0, 0}, 2, 2), 2, 1, 1e-12), 1e-15);
        assertValues(new double[] {3 / 7.0, 4 / 7.0}, F.normalize(f64(new double[] {3, -4}, 1, 2), 1, 1, 1e-12).abs(), 1e-15);
        // along dim 1 of [N, C, T]: RMS norm of the official model is F.normalize(x, dim=1)
        Tensor x = Tensor.randn(g, DType.F64, Device.CPU, 2, 5, 3);
        assertValues(x.div(x.norm(2, new int[] {1}, true)).toDoubleArray(), F.normalize(x, 2, 1, 1e-12), 1e-14);
        // rms: [1, 7] -> [0.2, 1.4]
        assertValues(new double[] {0.2, 1.4}, F.rmsNorm(f64(new double[] {1, 7}, 2), 0, 0), 1e-15);
        assertValues(x.mul(x.square().mean(new int[] {1}, true).add(1e-6).rsqrt()).toDoubleArray(), F.rmsNorm(x, 1, 1e-6), 1e-14);
    }

    @Test void gradients() {
        Tensor x = GradCheck.leaf(g, 2, 4, 3, 2);
        Tensor w4 = GradCheck.leaf(g, 4), b4 = GradCheck.leaf(g, 4);
        GradCheck.check(in -> F.groupNorm(in.get(0), 2, in.get(1), in.get(2), 1e-5), List.of(x, w4, b4));
        GradCheck.check(in -> F.groupNorm(in.get(0), 4, null, null, 1e-5), List.of(x));
        Tensor w = GradCheck.leaf(g, 3, 2), b = GradCheck.leaf(g, 3, 2);
        GradCheck.check(in -> F.layerNorm(in.get(0), new int[] {3, 2}, in.get(1), in.get(2), 1e-5), List.of(x, w, b));
        GradCheck.check(in -> F.layerNorm(in.get(0).permute(0, 3, 2, 1), new int[] {4}, null, null, 1e-5), List.of(x));
        for (int d = 0; d < 4; d++) {
            int dim = d;
            GradCheck.check(in -> F.normalize(in.get(0), 2, dim, 1e-12), List.of(x));
            GradCheck.check(in -> F.normalize(in.get(0), 1, dim, 1e-12), List.of(x));
            GradCheck.check(in -> F.rmsNorm(in.get(0), dim, 1e-6), List.of(x));
        }
        GradCheck.check(in -> F.normalize(in.get(0).transpose(1, 3), 2, 1, 1e-12), List.of(x));
    }

    @Test void l2GradientInsideTheEpsClamp() {
        // ||x|| < eps: y = x / eps, a linear map
        Tensor small = Tensor.randn(g, DType.F64, Device.CPU, 3, 4).mul(1e-3).detach().requiresGrad(true);
        GradCheck.check(in -> F.normalize(in.get(0), 2, 1, 0.1), List.of(small));
        Tensor y = F.normalize(small, 2, 1, 0.1);
        assertValues(small.mul(10).toDoubleArray(), y, 1e-15);
    }

    @Test void f32FastPathsMatchF64() {
        Tensor x = Tensor.normal(g, 2, 3, DType.F64, Device.CPU, 2, 8, 5, 7);
        f32MatchesF64("group_norm", x, t -> F.groupNorm(t, 4, null, null, 1e-6), 1e-5);
        f32MatchesF64("layer_norm", x, t -> F.layerNorm(t, new int[] {7}, null, null, 1e-6), 1e-5);
        f32MatchesF64("normalize dim 1", x, t -> F.normalize(t, 2, 1, 1e-12), 1e-6);
        f32MatchesF64("rms dim 3", x, t -> F.rmsNorm(t, 3, 1e-6), 1e-5);
    }

    @Test void badArguments() {
        Tensor x = Tensor.randn(g, DType.F64, Device.CPU, 2, 6, 3);
        assertThrows(IllegalArgumentException.class, () -> F.groupNorm(x, 4, null, null, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> F.groupNorm(x, 0, null, null, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> F.layerNorm(x, new int[] {5}, null, null, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> F.layerNorm(x, new int[] {1, 2, 6, 3}, null, null, 1e-5));
    }
}
