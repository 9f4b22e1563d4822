package ssvae.kernels.cpu;

import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.fail;

/** Helpers for the nn kernel tests: random inputs, offset views, and the llm.c-style comparison |a - b| <= atol + rtol * |ref|. */
final class NnKernelCheck {
    private NnKernelCheck() {}

    static Tensor randn(Generator g, DType dt, int... shape) { return Tensor.randn(g, dt, Device.CPU, shape); }

    /** A contiguous view at a non-zero storage offset (exercises offset handling), filled from src. */
    static Tensor atOffset(Tensor src, int pad) {
        Tensor big = Tensor.zeros(src.dtype(), Device.CPU, src.numel() + pad);
        ssvae.tensor.CpuStorage b = (ssvae.tensor.CpuStorage) big.storage(), s = (ssvae.tensor.CpuStorage) src.storage();
        for (int i = 0; i < src.numel(); i++) b.setDouble(pad + i, s.getDouble(src.offset() + i));
        return new Tensor(big.storage(), src.shape(), src.strides(), pad);
    }

    static double[] values(Tensor t) {
        ssvae.tensor.CpuStorage s = (ssvae.tensor.CpuStorage) t.storage();
        double[] v = new double[t.numel()];
        for (int i = 0; i < v.length; i++) v[i] = s.getDouble(t.offset() + i);
        return v;
    }

    /** Fails listing up to 10 mismatches (NaN must match NaN). */
    static void close(String what, Tensor ref, Tensor got, double atol, double rtol) {
        double[] r = values(ref), a = values(got);
        if (r.length != a.length) fail(what + ": " + r.length + " vs " + a.length + " elements");
        StringBuilder sb = new StringBuilder();
        int bad = 0;
        for (int i = 0; i < r.length; i++) {
            boolean ok = Double.isNaN(r[i]) ? Double.isNaN(a[i]) : (r[i] == a[i] || Math.abs(r[i] - a[i]) <= atol + rtol * Math.abs(r[i]));
            if (!ok && bad++ < 10) sb.append("\n  [").append(i).append("] ref ").append(r[i]).append(" got ").append(a[i]);
        }
        if (bad > 0) fail(what + ": " + bad + " of " + r.length + " mismatches" + sb);
    }
}
