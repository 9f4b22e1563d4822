package ssvae.autograd;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;

import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.*;

/** Tensor-level reductions over any set of dims with keepdim, against a plain per-group reference in double. */
class ReductionsTest {
    final Generator g = new Generator(61);

    /** Groups of the logical elements of x (as double) by output index, for dims. */
    static double[][] groups(Tensor x, int[] dims) {
        int[] xs = x.shape();
        boolean[] red = new boolean[xs.length];
        for (int d : dims) red[d] = true;
        int[] ks = xs.clone();
        for (int d : dims) ks[d] = 1;
        int nOut = Shape.numel(ks), nRed = x.numel() / Math.max(nOut, 1);
        double[][] gr = new double[nOut][nRed];
        int[] fill = new int[nOut];
        double[] v = x.contiguous().toDoubleArray();
        int[] kst = Shape.contiguousStrides(ks);
        for (int i = 0; i < v.length; i++) {
            int rem = i, o = 0;
            for (int d = xs.length - 1; d >= 0; d--) { int ix = rem % xs[d]; rem /= xs[d]; if (!red[d]) o += ix * kst[d]; }
            gr[o][fill[o]++] = v[i];
        }
        return gr;
    }

    static double mean(double[] a) { double s = 0; for (double v : a) s += v; return s / a.length; }
    static double var(double[] a, boolean unbiased) { double m = mean(a), s = 0; for (double v : a) s += (v - m) * (v - m); return s / (a.length - (unbiased ? 1 : 0)); }

    void check(String name, Tensor x, int[] dims, java.util.function.BiFunction<int[], Boolean, Tensor> f, ToDoubleFunction<double[]> ref, double tol) {
        double[][] gr = groups(x, dims);
        for (boolean keep : new boolean[] {false, true}) {
            Tensor r = f.apply(dims, keep);
            int[] ks = x.shape();
            for (int d : dims) ks[d] = 1;
            int[] expect = keep ? ks : squeeze(x.shape(), dims);
            assertArrayEquals(expect, r.shape(), name + " shape keepdim=" + keep);
            double[] got = r.toDoubleArray();
            for (int o = 0; o < gr.length; o++) {
                double e = ref.applyAsDouble(gr[o]);
                assertEquals(e, got[o], tol * Math.max(1, Math.abs(e)), name + " dims " + java.util.Arrays.toString(dims) + " group " + o);
            }
        }
    }

    static int[] squeeze(int[] shape, int[] dims) {
        int[] out = new int[shape.length - dims.length];
        for (int i = 0, k = 0; i < shape.length; i++) {
            boolean r = false;
            for (int d : dims) r |= d == i;
            if (!r) out[k++] = shape[i];
        }
        return out;
    }

    @Test void valueReductionsOnPermutedAndStridedInputs() {
        Tensor base = Tensor.randn(g, DType.F32, Device.CPU, 4, 6, 10);
        Tensor[] inputs = {base.slice(2, 0, 5), base.permute(2, 0, 1).slice(0, 0, 10, 2), base.flip(1).transpose(0, 1).slice(1, 1, 4)};
        for (Tensor x : inputs) {
            for (int mask = 1; mask < 8; mask++) {
                int n = Integer.bitCount(mask), k = 0;
                int[] dims = new int[n];
                for (int d = 0; d < 3; d++) if ((mask >> d & 1) != 0) dims[k++] = d;
                check("sum", x, dims, (d, kd) -> x.sum(d, kd), a -> { double s = 0; for (double v : a) s += v; return s; }, 1e-6);
                check("mean", x, dims, (d, kd) -> x.mean(d, kd), ReductionsTest::mean, 1e-6);
                check("prod", x, dims, (d, kd) -> x.prod(d, kd), a -> { double s = 1; for (double v : a) s *= v; return s; }, 1e-5);
                check("var", x, dims, (d, kd) -> x.var(d, true, kd), a -> var(a, true), 1e-5);
                check("var biased", x, dims, (d, kd) -> x.var(d, false, kd), a -> var(a, false), 1e-5);
                check("std", x, dims, (d, kd) -> x.std(d, true, kd), a -> Math.sqrt(var(a, true)), 1e-5);
                check("amax", x, dims, (d, kd) -> x.amax(d, kd), a -> { double m = Double.NEGATIVE_INFINITY; for (double v : a) m = Math.max(m, v); return m; }, 0);
                check("amin", x, dims, (d, kd) -> x.amin(d, kd), a -> { double m = Double.POSITIVE_INFINITY; for (double v : a) m = Math.min(m, v); return m; }, 0);
                check("norm1", x, dims, (d, kd) -> x.norm(1, d, kd), a -> { double s = 0; for (double v : a) s += Math.abs(v); return s; }, 1e-6);
                check("norm2", x, dims, (d, kd) -> x.norm(2, d, kd), a -> { double s = 0; for (double v : a) s += v * v; return Math.sqrt(s); }, 1e-6);
                check("norm3", x, dims, (d, kd) -> x.norm(3, d, kd), a -> { double s = 0; for (double v : a) s += Math.pow(Math.abs(v), 3); return Math.cbrt(s); }, 1e-5);
                check("normInf", x, dims, (d, kd) -> x.norm(Double.POSITIVE_INFINITY, d, kd), a -> { double m = 0; for (double v : a) m = Math.max(m, Math.abs(v)); return m; }, 0);
                check("logsumexp", x, dims, (d, kd) -> x.logsumexp(d, kd), a -> { double m = Double.NEGATIVE_INFINITY; for (double v : a) m = Math.max(m, v); double s = 0; for (double v : a) s += Math.exp(v - m); return m + Math.log(s); }, 1e-6);
                Tensor pos = x.gt(0);
                check("all", pos, dims, (d, kd) -> pos.all(d, kd), a -> { for (double v : a) if (v == 0) return 0; return 1; }, 0);
                check("any", pos, dims, (d, kd) -> pos.any(d, kd), a -> { for (double v : a) if (v != 0) return 1; return 0; }, 0);
            }
        }
    }

    @Test void edgeCases() {
        Tensor t = Tensor.fromArray(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY});
        assertEquals(Double.NEGATIVE_INFINITY, t.logsumexp(null, false).item(), "logsumexp of all -inf is -inf, not NaN");
        assertEquals(Double.POSITIVE_INFINITY, Tensor.fromArray(new double[] {1, Double.POSITIVE_INFINITY}).logsumexp(null, false).item());
        assertEquals(1000 + Math.log(2), Tensor.fromArray(new double[] {1000, 1000}).logsumexp(null, false).item(), 1e-12, "stable for large inputs");
        assertTrue(Double.isNaN(Tensor.fromArray(new double[] {3}).var(true).item()), "unbiased var of one element is NaN");
        assertEquals(0, Tensor.fromArray(new double[] {3}).var(false).item());
        assertEquals(DType.I64, Tensor.fromInts(new int[] {1, 2}).sum().dtype(), "integer sums are int64");
        assertEquals(DType.I64, Tensor.fromBools(new boolean[] {true, true, false}).sum().dtype());
        assertEquals(2, Tensor.fromBools(new boolean[] {true, true, false}).sum().item());
        assertEquals(0, Tensor.zeros(0, 3).sum().item());
        assertArrayEquals(new double[] {1, 1, 1}, Tensor.zeros(0, 3).prod(new int[] {0}, false).toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0).amax(null, false));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0, 3).amax(new int[] {0}, false));
        assertArrayEquals(new int[] {0}, Tensor.zeros(0, 3).amax(new int[] {1}, false).shape(), "empty output, non-empty groups");
        assertEquals(Double.NEGATIVE_INFINITY, Tensor.zeros(0).logsumexp(null, false).item());
        assertArrayEquals(new int[] {2, 1}, Tensor.zeros(2, 0).logsumexp(new int[] {1}, true).shape());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).sum(new int[] {1, -1}, false), "repeated dim");
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).sum(new int[] {2}, false));
        Tensor s = Tensor.scalar(2.5);
        assertEquals(2.5, s.sum(new int[] {-1}, false).item());
        assertEquals(0, s.sum(new int[] {0}, true).dim());
        assertEquals(2.5, s.mean(0).item());
        assertEquals(0, s.argmax(0, false).item());
        assertTrue(Tensor.fromBools(new boolean[] {}).all());
        assertFalse(Tensor.fromBools(new boolean[] {}).any());
        assertTrue(Tensor.fromArray(new double[] {1, Double.NaN}).all(), "NaN is truthy");
        assertTrue(Double.isNaN(Tensor.fromArray(new float[] {1, Float.NaN, 3}).amax(null, false).item()), "max propagates NaN");
    }

    @Test void argmaxArgmin() {
        Tensor x = Tensor.fromArray(new double[] {1, 5, 5, 0, 7, 7, -1, -1, 2}, 3, 3);
        assertArrayEquals(new long[] {1, 1, 2}, x.argmax(1, false).toLongArray(), "first occurrence");
        assertArrayEquals(new long[] {0, 0, 0}, x.argmin(1, false).toLongArray());
        assertArrayEquals(new long[] {0, 1, 1}, x.argmax(0, false).toLongArray());
        assertArrayEquals(new int[] {3, 1}, x.argmax(1, true).shape());
        assertArrayEquals(new long[] {2, 2, 2}, x.t().argmin(1, false).toLongArray(), "on a transposed view");
        assertEquals(4, x.argmax().item());
        Tensor n = Tensor.fromArray(new double[] {1, Double.NaN, 9, Double.NaN});
        assertEquals(1, n.argmax().item(), "NaN wins");
        assertEquals(1, n.argmin(0, false).item());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0).argmax(0, false));
    }

    @Test void millionElementF32SumThroughTensor() {
        Tensor x = Tensor.rand(g, 1000, 1000);
        double ref = 0;
        for (float v : x.toFloatArray()) ref += v;
        assertEquals(ref, x.sum().item(), 1e-6 * ref);
        assertEquals(ref / 1e6, x.mean().item(), 1e-6 * ref / 1e6);
        assertEquals(ref, x.t().sum().item(), 1e-6 * ref, "transposed: outer-mode reduction");
    }
}
