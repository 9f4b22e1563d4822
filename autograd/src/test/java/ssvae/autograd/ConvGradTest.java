package ssvae.autograd;

import org.junit.jupiter.api.Test;
import ssvae.tensor.ConvParams;
import ssvae.tensor.DType;
import ssvae.tensor.F;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** F.conv1d/2d/3d: pinned hand-computed values and F64 finite-difference gradient checks of x, w and bias. */
class ConvGradTest {
    final Generator g = new Generator(11);

    @Test void conv1dHandValues() {
        Tensor x = Tensor.fromArray(new double[] {1, 2, 3, 4}, 1, 1, 4);
        Tensor w = Tensor.fromArray(new double[] {1, 0, -1}, 1, 1, 3);
        Tensor b = Tensor.fromArray(new double[] {0.5}, 1);
        assertArrayEquals(new double[] {-1.5, -1.5, -1.5, 3.5}, F.conv1d(x, w, b, 1, 1, 1, 1).toDoubleArray(), 1e-12);
        // stride 2, dilation 2, padding 1: extent 5 over padded length 6 -> one window, taps at -1, 1, 3
        assertArrayEquals(new double[] {-4}, F.conv1d(x, w, null, 2, 1, 2, 1).toDoubleArray(), 1e-12);
        // padding 3: padded length 10 -> 3 windows starting at -3, -1, 1
        assertArrayEquals(new double[] {-2, -4, 2}, F.conv1d(x, w, null, 2, 3, 2, 1).toDoubleArray(), 1e-12);
    }

    @Test void conv2dHandValues() {
        double[] v = new double[9];
        for (int i = 0; i < 9; i++) v[i] = i + 1;
        Tensor x = Tensor.fromArray(v, 1, 1, 3, 3);
        Tensor w = Tensor.fromArray(new double[] {1, 1, 1, 1}, 1, 1, 2, 2);
        assertArrayEquals(new double[] {12, 16, 24, 28}, F.conv2d(x, w, null, 1, 0).toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {1, 5, 11, 28}, F.conv2d(x, w, null, 2, 1).toDoubleArray(), 1e-12);
        // F32 gives the same values
        assertArrayEquals(new float[] {1, 5, 11, 28}, F.conv2d(x.to(DType.F32), w.to(DType.F32), null, 2, 1).toFloatArray(), 1e-6f);
    }

    @Test void groupedHandValues() {
        // two groups of one channel each: out channel 0 sees only input channel 0, out channel 1 only input channel 1
        Tensor x = Tensor.fromArray(new double[] {1, 2, 3, 10, 20, 30}, 1, 2, 3);
        Tensor w = Tensor.fromArray(new double[] {1, 1, 2, -1}, 2, 1, 2);
        assertArrayEquals(new double[] {3, 5, 0, 10}, F.conv1d(x, w, null, 1, 0, 1, 2).toDoubleArray(), 1e-12);
    }

    @Test void asymmetricPaddingHandValues() {
        // causal padding 2 before, 0 after, as in a causal temporal conv
        Tensor x = Tensor.fromArray(new double[] {1, 2, 3}, 1, 1, 3);
        Tensor w = Tensor.fromArray(new double[] {1, 10, 100}, 1, 1, 3);
        ConvParams p = new ConvParams(new int[] {1, 1, 1}, new int[] {0, 0, 2}, new int[] {0, 0, 0}, new int[] {1, 1, 1}, 1);
        assertArrayEquals(new double[] {100, 210, 321}, F.conv(x, w, null, p).toDoubleArray(), 1e-12);
    }

    @Test void conv1dGrad() {
        Tensor x = GradCheck.leaf(g, 2, 4, 9), w = GradCheck.leaf(g, 6, 2, 3), b = GradCheck.leaf(g, 6);
        GradCheck.check(in -> F.conv1d(in.get(0), in.get(1), in.get(2), 2, 1, 2, 2), List.of(x, w, b));
        GradCheck.check(in -> F.conv1d(in.get(0), in.get(1), null, 1, 0, 1, 2), List.of(x, w));
    }

    @Test void conv2dGrad() {
        Tensor x = GradCheck.leaf(g, 2, 4, 7, 6), w = GradCheck.leaf(g, 4, 2, 3, 2), b = GradCheck.leaf(g, 4);
        GradCheck.check(in -> F.conv2d(in.get(0), in.get(1), in.get(2), new int[] {2, 1}, new int[] {1, 2}, new int[] {1, 2}, 2),
                List.of(x, w, b));
    }

    @Test void conv3dGrad() {
        Tensor x = GradCheck.leaf(g, 1, 2, 5, 4, 5), w = GradCheck.leaf(g, 3, 2, 3, 2, 3), b = GradCheck.leaf(g, 3);
        GradCheck.check(in -> F.conv3d(in.get(0), in.get(1), in.get(2), new int[] {2, 1, 2}, new int[] {1, 0, 1}, new int[] {1, 2, 1}, 1),
                List.of(x, w, b));
    }

    @Test void conv3dAsymmetricPaddingGroupsGrad() {
        Tensor x = GradCheck.leaf(g, 2, 4, 4, 3, 5), w = GradCheck.leaf(g, 2, 2, 3, 2, 2), b = GradCheck.leaf(g, 2);
        ConvParams p = new ConvParams(new int[] {1, 2, 2}, new int[] {2, 1, 0}, new int[] {0, 0, 1}, new int[] {1, 1, 2}, 2);
        GradCheck.check(in -> F.conv(in.get(0), in.get(1), in.get(2), p), List.of(x, w, b));
    }

    @Test void nonContiguousInputsGrad() {
        Tensor x = GradCheck.leaf(g, 2, 6, 3), w = GradCheck.leaf(g, 3, 3, 2);
        // x viewed as [2, 3, 6] through a transpose: the conv must make it contiguous itself
        GradCheck.check(in -> F.conv1d(in.get(0).transpose(1, 2), in.get(1), null, 1, 1, 1, 1), List.of(x, w));
    }

    @Test void badGroupsIsOneClearError() {
        Tensor x = Tensor.zeros(DType.F64, ssvae.tensor.Device.CPU, 1, 3, 5), w = Tensor.zeros(DType.F64, ssvae.tensor.Device.CPU, 2, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> F.conv1d(x, w, null, 1, 0, 1, 2));
        assertTrue(e.getMessage().contains("groups"), e.getMessage());
    }
}
