package ssvae.kernels.cpu;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import static ssvae.kernels.cpu.NnKernelCheck.*;
import static org.junit.jupiter.api.Assertions.*;

/** softmax / log_softmax kernels: F32 fast path against the double reference; stability; hand values. */
class CpuSoftmaxTest {
    final Generator g = new Generator(11);
    static final int[][] SHAPES = {{7}, {3, 37}, {5, 3, 7}, {2, 1, 300, 3}, {4, 67}, {3, 5, 257}, {2, 2049}};

    @Test void fastMatchesReferenceForwardAndBackwardAlongEveryDim() {
        for (int[] s : SHAPES)
            for (int dim = 0; dim < s.length; dim++)
                for (boolean log : new boolean[] {false, true}) {
                    Tensor x = atOffset(Tensor.normal(g, 0, 4, DType.F32, Device.CPU, s), 3);
                    Tensor fast = Tensor.empty(DType.F32, Device.CPU, s), ref = Tensor.empty(DType.F32, Device.CPU, s);
                    int outer = CpuSoftmax.prod(s, 0, dim), n = s[dim], inner = CpuSoftmax.prod(s, dim + 1, s.length);
                    CpuNn.softmax(x, dim, log, fast);
                    CpuSoftmax.forwardRef(x, outer, n, inner, log, ref);
                    String what = "softmax log=" + log + " shape " + java.util.Arrays.toString(s) + " dim " + dim;
                    close(what, ref, fast, 1e-6, 1e-5);
                    Tensor gy = randn(g, DType.F32, s);
                    Tensor gf = Tensor.empty(DType.F32, Device.CPU, s), gr = Tensor.empty(DType.F32, Device.CPU, s);
                    CpuNn.softmaxBackward(ref, gy, dim, log, gf);
                    CpuSoftmax.backwardRef(ref, gy, outer, n, inner, log, gr);
                    close(what + " backward", gr, gf, 1e-5, 1e-4);
                }
    }

    @Test void stableForLargeLogitsAndNaNForAllMinusInfRows() {
        Tensor x = Tensor.fromArray(new float[] {1000, 1001, 1002, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 2, 3);
        Tensor y = Tensor.empty(DType.F32, Device.CPU, 2, 3), ly = Tensor.empty(DType.F32, Device.CPU, 2, 3);
        CpuNn.softmax(x, 1, false, y);
        CpuNn.softmax(x, 1, true, ly);
        double e1 = Math.exp(1), e2 = Math.exp(2), z = 1 + e1 + e2;
        double[] v = values(y), lv = values(ly);
        assertEquals(1 / z, v[0], 1e-6);
        assertEquals(e2 / z, v[2], 1e-6);
        assertEquals(-Math.log(z), lv[0], 1e-5);
        assertTrue(Double.isNaN(v[3]) && Double.isNaN(lv[5]), "softmax of an all -inf row is NaN as in PyTorch");
    }

    @Test void referenceInF64AndBf16() {
        // log_softmax([1, 2, 3]) = [1, 2, 3] - log(e + e^2 + e^3)
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        Tensor x = Tensor.fromArray(new double[] {1, 2, 3}, 3), y = Tensor.empty(DType.F64, Device.CPU, 3);
        CpuNn.softmax(x, 0, true, y);
        assertArrayEquals(new double[] {1 - lse, 2 - lse, 3 - lse}, values(y), 1e-15);
        Tensor xb = randn(g, DType.F32, 3, 9), yb = Tensor.empty(DType.BF16, Device.CPU, 3, 9), yf = Tensor.empty(DType.F32, Device.CPU, 3, 9);
        Tensor xbb = Tensor.empty(DType.BF16, Device.CPU, 3, 9);
        CpuElementwise.copy(xb, xbb);
        CpuNn.softmax(xbb, 1, false, yb);
        CpuSoftmax.forwardRef(xbb, 3, 9, 1, false, yf);
        close("bf16 softmax", yf, yb, 1e-3, 8e-3);
    }

    @Test void rejectsBadArguments() {
        Tensor x = Tensor.empty(DType.F32, Device.CPU, 2, 3);
        assertThrows(IllegalArgumentException.class, () -> CpuNn.softmax(x, 1, false, Tensor.empty(DType.F32, Device.CPU, 3, 2)));
        assertThrows(IllegalArgumentException.class, () -> CpuNn.softmax(new Tensor(x.storage(), new int[] {3, 2}, new int[] {1, 3}, 0), 1, false, x));
    }
}
