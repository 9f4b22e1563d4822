package ssvae.autograd;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.List;
import java.util.function.Function;

/**
 * Finite-difference gradient check in the manner of torch.autograd.gradcheck: central differences with eps
 * against the analytical gradient of sum(f(inputs) * w) for a fixed random w, elementwise
 * |analytic - numeric| <= atol + rtol * |numeric|. Inputs are CPU F64 tensors (views allowed) that require grad.
 */
public final class GradCheck {
    private GradCheck() {}

    public static final double EPS = 1e-6, ATOL = 1e-5, RTOL = 1e-3;

    /** Throws AssertionError naming the first mismatching input element. */
    public static void check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) { check(f, inputs, EPS, ATOL, RTOL); }

    public static void check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double eps, double atol, double rtol) {
        for (Tensor t : inputs) {
            if (t.dtype() != DType.F64 || !t.isCpu()) throw new IllegalArgumentException("gradcheck needs CPU F64 inputs, got " + t);
        }
        Tensor out0 = f.apply(inputs);
        Tensor w = Tensor.randn(new Generator(1234), DType.F64, out0.device(), out0.shape());
        for (Tensor t : inputs) t.setGrad(null);
        out0.mul(w).sum().backward();
        for (int k = 0; k < inputs.size(); k++) {
            Tensor x = inputs.get(k);
            if (!x.requiresGrad()) continue;
            Tensor ana = x.grad() == null ? x.zerosLike() : x.grad();
            double[] a = ana.contiguous().toDoubleArray();
            CpuStorage s = (CpuStorage) x.storage();
            int[] shape = x.shape(), st = x.strides();
            int n = x.numel();
            for (int i = 0; i < n; i++) {
                int off = x.offset(), rem = i;
                for (int d = shape.length - 1; d >= 0; d--) { off += (rem % shape[d]) * st[d]; rem /= shape[d]; }
                double orig = s.getDouble(off);
                double plus, minus;
                try (var g = GradMode.noGrad()) {
                    s.setDouble(off, orig + eps);
                    plus = f.apply(inputs).mul(w).sum().item();
                    s.setDouble(off, orig - eps);
                    minus = f.apply(inputs).mul(w).sum().item();
                } finally {
                    s.setDouble(off, orig);
                }
                double num = (plus - minus) / (2 * eps);
                if (Math.abs(a[i] - num) > atol + rtol * Math.abs(num))
                    throw new AssertionError("gradient mismatch for input " + k + " element " + i + ": analytic " + a[i] + ", numeric " + num);
            }
        }
    }

    /** A CPU F64 random leaf requiring grad. */
    public static Tensor leaf(Generator g, int... shape) {
        return Tensor.randn(g, DType.F64, ssvae.tensor.Device.CPU, shape).requiresGrad(true);
    }
}
