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

/** F.dropout, F.linear, F.l1_loss, F.mse_loss. */
class FunctionalMiscTest {
    final Generator g = new Generator(404);

    @Test void dropoutIsSeededAndKeepsTheRate() {
        Tensor x = Tensor.ones(DType.F32, Device.CPU, 200_000);
        Tensor a = F.dropout(x, 0.3, true, new Generator(5)), b = F.dropout(x, 0.3, true, new Generator(5));
        Tensor c = F.dropout(x, 0.3, true, new Generator(6));
        assertArrayEquals(a.toFloatArray(), b.toFloatArray(), "same seed, same mask");
        assertFalse(java.util.Arrays.equals(a.toFloatArray(), c.toFloatArray()), "another seed, another mask");
        float[] v = a.toFloatArray();
        int zeros = 0;
        for (float f : v) {
            if (f == 0) zeros++;
            else assertEquals(1 / 0.7, f, 1e-6, "kept values are scaled by 1/(1-p)");
        }
        double rate = zeros / (double) v.length, sigma = Math.sqrt(0.3 * 0.7 / v.length);
        assertEquals(0.3, rate, 5 * sigma, "drop rate");
        // mean is preserved in expectation
        assertEquals(1.0, a.mean().item(), 5 * Math.sqrt(0.3 / 0.7 / v.length));
        // consecutive calls on one generator draw fresh masks
        Generator one = new Generator(9);
        assertFalse(java.util.Arrays.equals(F.dropout(x, 0.5, true, one).toFloatArray(), F.dropout(x, 0.5, true, one).toFloatArray()));
    }

    @Test void dropoutEdgeCasesAndGradient() {
        Tensor x = Tensor.randn(g, DType.F64, Device.CPU, 4, 5);
        assertSame(x, F.dropout(x, 0.5, false, g));
        assertSame(x, F.dropout(x, 0, true, g));
        assertValues(new double[20], F.dropout(x, 1, true, g), 0);
        assertThrows(IllegalArgumentException.class, () -> F.dropout(x, 1.5, true, g));
        Tensor leaf = GradCheck.leaf(g, 4, 5);
        GradCheck.check(in -> F.dropout(in.get(0), 0.4, true, new Generator(77)), List.of(leaf));
        // the gradient is the mask scaled by 1/(1-p)
        Tensor y = F.dropout(leaf, 0.4, true, new Generator(77));
        leaf.setGrad(null);
        y.sum().backward();
        double[] gr = leaf.grad().toDoubleArray(), yv = y.toDoubleArray(), xv = leaf.toDoubleArray();
        for (int i = 0; i < gr.length; i++) assertEquals(yv[i] == 0 ? 0 : 1 / 0.6, gr[i], 1e-12);
        for (int i = 0; i < gr.length; i++) if (yv[i] != 0) assertEquals(xv[i] / 0.6, yv[i], 1e-12);
    }

    @Test void linearValuesAndGradients() {
        // [1, 2] . W^T with W = [[1, 0], [2, 3], [-1, 1]] + b [0.5, 0, -1] = [1.5, 8, 0]
        Tensor y = F.linear(f64(new double[] {1, 2}, 1, 2), f64(new double[] {1, 0, 2, 3, -1, 1}, 3, 2), f64(new double[] {0.5, 0, -1}, 3));
        assertValues(new double[] {1.5, 8, 0}, y, 1e-15);
        assertArrayEquals(new int[] {1, 3}, y.shape());
        Tensor x = GradCheck.leaf(g, 2, 3, 4), w = GradCheck.leaf(g, 5, 4), b = GradCheck.leaf(g, 5);
        GradCheck.check(in -> F.linear(in.get(0), in.get(1), in.get(2)), List.of(x, w, b));
        GradCheck.check(in -> F.linear(in.get(0), in.get(1), null), List.of(x, w));
    }

    @Test void lossesValuesAndGradients() {
        Tensor a = f64(new double[] {1, 2, 3, 4}, 2, 2), b = f64(new double[] {2, 2, 1, 7}, 2, 2);
        assertEquals((1 + 0 + 2 + 3) / 4.0, F.l1Loss(a, b).item(), 1e-15);
        assertEquals((1 + 0 + 4 + 9) / 4.0, F.mseLoss(a, b).item(), 1e-15);
        Tensor x = GradCheck.leaf(g, 3, 4), y = GradCheck.leaf(g, 3, 4);
        GradCheck.check(in -> F.l1Loss(in.get(0), in.get(1)), List.of(x, y));
        GradCheck.check(in -> F.mseLoss(in.get(0), in.get(1)), List.of(x, y));
        Tensor row = GradCheck.leaf(g, 4);
        GradCheck.check(in -> F.mseLoss(in.get(0), in.get(1)), List.of(x, row));
    }
}
