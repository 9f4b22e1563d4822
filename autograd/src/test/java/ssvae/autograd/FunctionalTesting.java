package ssvae.autograd;

import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Tensor;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Shared helpers of the Functional*Test classes. */
final class FunctionalTesting {
    private FunctionalTesting() {}

    static Tensor f64(double[] v, int... shape) { return Tensor.fromArray(v.clone(), shape); }

    static void assertValues(double[] expected, Tensor got, double tol) {
        double[] a = got.contiguous().toDoubleArray();
        assertEquals(expected.length, a.length, "element count");
        for (int i = 0; i < a.length; i++)
            if (!(Math.abs(expected[i] - a[i]) <= tol))
                fail("element " + i + ": expected " + expected[i] + ", got " + a[i] + "\n expected " + java.util.Arrays.toString(expected)
                        + "\n got      " + java.util.Arrays.toString(a));
    }

    /**
     * Runs f on x in F64 and in F32 (the kernels' fast paths), forward and backward (for a fixed output weight),
     * and checks both agree within F32 tolerances.
     */
    static void f32MatchesF64(String what, Tensor x64, Function<Tensor, Tensor> f, double atol) {
        Tensor a = x64.detach().requiresGrad(true);
        Tensor b = x64.detach().to(DType.F32).detach().requiresGrad(true);
        Tensor ya = f.apply(a), yb = f.apply(b);
        Tensor w = Tensor.randn(new ssvae.tensor.Generator(99), DType.F64, Device.CPU, ya.shape());
        ya.mul(w).sum().backward();
        yb.mul(w.to(DType.F32)).sum().backward();
        close(what + " forward", ya, yb, atol);
        close(what + " gradient", a.grad(), b.grad(), atol * 10);
    }

    private static void close(String what, Tensor ref, Tensor got, double atol) {
        double[] r = ref.contiguous().toDoubleArray(), g = got.to(DType.F64).contiguous().toDoubleArray();
        assertEquals(r.length, g.length, what + " element count");
        for (int i = 0; i < r.length; i++)
            if (!(Math.abs(r[i] - g[i]) <= atol + 1e-4 * Math.abs(r[i]))) fail(what + ": element " + i + " F64 " + r[i] + " vs F32 " + g[i]);
    }
}
