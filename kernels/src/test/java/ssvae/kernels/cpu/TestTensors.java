package ssvae.kernels.cpu;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.*;

/** Test helpers that read tensors without the autograd layer (not on this module's class path). */
final class TestTensors {
    private TestTensors() {}

    /** Elements of a (possibly strided) CPU tensor in row-major order, as doubles. */
    static double[] values(Tensor t) {
        CpuStorage s = (CpuStorage) t.storage();
        int[] shape = t.shape(), st = t.strides();
        int n = t.numel();
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            int off = t.offset(), rem = i;
            for (int d = shape.length - 1; d >= 0; d--) { off += (rem % shape[d]) * st[d]; rem /= shape[d]; }
            r[i] = s.getDouble(off);
        }
        return r;
    }

    /** |want - got| <= tol * (1 + |want|) elementwise. */
    static void assertClose(Tensor want, Tensor got, double tol) {
        double[] w = values(want), v = values(got);
        assertEquals(w.length, v.length);
        for (int i = 0; i < w.length; i++)
            if (!(Math.abs(w[i] - v[i]) <= tol * (1 + Math.abs(w[i]))))
                fail("element " + i + " of " + w.length + ": want " + w[i] + ", got " + v[i]);
    }
}
