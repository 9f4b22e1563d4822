package ssvae.kernels.cpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.ReduceOp;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** CpuReduce over every subset of dims, on contiguous, permuted, strided and flipped inputs, against a plain double loop. */
class ReduceKernelTest {
    @AfterEach void restoreThreads() { Parallel.setThreads(Runtime.getRuntime().availableProcessors()); }

    /** A random F32 tensor of logical shape, laid out as a permutation (perm) of a strided buffer; flip negates dim 0. */
    static Tensor make(Random r, int[] shape, int[] perm, int step, boolean flip, double mean) {
        int n = Shape.numel(shape);
        // physical shape: shape permuted by perm; physical strides with step on the last dim
        int[] phys = new int[shape.length];
        for (int i = 0; i < shape.length; i++) phys[i] = shape[perm[i]];
        int[] pst = new int[shape.length];
        int s = step;
        for (int i = shape.length - 1; i >= 0; i--) { pst[i] = s; s *= phys[i]; }
        float[] buf = new float[Math.max(1, s) + 3];
        for (int i = 0; i < buf.length; i++) buf[i] = (float) (mean + r.nextGaussian());
        int[] st = new int[shape.length];
        for (int i = 0; i < shape.length; i++) st[perm[i]] = pst[i];
        int off = 2;
        if (flip && shape.length > 0) { off += (shape[0] - 1) * st[0]; st[0] = -st[0]; }
        assertTrue(n >= 0);
        return new Tensor(new CpuStorage(DType.F32, buf), shape.clone(), st, off);
    }

    static double[] reference(ReduceOp op, Tensor x, boolean[] red, int[] ks) {
        int[] xs = x.shape();
        int nOut = Shape.numel(ks);
        double[] acc = new double[nOut];
        boolean[] nan = new boolean[nOut];
        java.util.Arrays.fill(acc, switch (op) { case SUM -> 0; case PROD -> 1; case MAX -> Double.NEGATIVE_INFINITY; default -> Double.POSITIVE_INFINITY; });
        int[] kst = Shape.contiguousStrides(ks);
        for (int i = 0; i < x.numel(); i++) {
            int rem = i, o = 0;
            for (int d = xs.length - 1; d >= 0; d--) { int ix = rem % xs[d]; rem /= xs[d]; if (!red[d]) o += ix * kst[d]; }
            double v = Layouts.at(x, i);
            if (Double.isNaN(v)) nan[o] = true;
            acc[o] = switch (op) { case SUM -> acc[o] + v; case PROD -> acc[o] * v; case MAX -> Math.max(acc[o], v); default -> Math.min(acc[o], v); };
        }
        for (int o = 0; o < nOut; o++) if (nan[o]) acc[o] = Double.NaN;
        return acc;
    }

    static double[] absSum(Tensor x, boolean[] red, int[] ks) {
        int[] xs = x.shape(), kst = Shape.contiguousStrides(ks);
        double[] acc = new double[Shape.numel(ks)];
        for (int i = 0; i < x.numel(); i++) {
            int rem = i, o = 0;
            for (int d = xs.length - 1; d >= 0; d--) { int ix = rem % xs[d]; rem /= xs[d]; if (!red[d]) o += ix * kst[d]; }
            acc[o] += Math.abs(Layouts.at(x, i));
        }
        return acc;
    }

    @Test void everySubsetOfDimsEveryLayout() {
        Random r = new Random(21);
        int[][] shapes = {{3, 17, 5}, {2, 3, 4, 33}, {1, 7, 1, 9}, {16, 1, 20}, {5, 40}};
        for (int[] shape : shapes) {
            int rank = shape.length;
            int[][] perms = {identity(rank), reversed(rank), rotated(rank)};
            for (int[] perm : perms) for (int step : new int[] {1, 2}) for (boolean flip : new boolean[] {false, true}) {
                Tensor x = make(r, shape, perm, step, flip, 0.5);
                for (int mask = 0; mask < (1 << rank); mask++) {
                    boolean[] red = new boolean[rank];
                    int[] ks = shape.clone();
                    for (int d = 0; d < rank; d++) if ((mask >> d & 1) != 0) { red[d] = true; ks[d] = 1; }
                    for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.PROD, ReduceOp.MAX, ReduceOp.MIN}) {
                        Tensor out = Layouts.empty(DType.F32, ks);
                        CpuReduce.reduce(op, x, out);
                        double[] ref = reference(op, x, red, ks), mag = absSum(x, red, ks);
                        float[] got = ((CpuStorage) out.storage()).f32();
                        for (int o = 0; o < ref.length; o++) {
                            double tol = switch (op) { case SUM -> 1e-6 * mag[o] + 1e-30; case PROD -> 1e-5 * Math.abs(ref[o]) + 1e-37; default -> 0; };
                            assertEquals((float) ref[o], got[o], tol, op + " shape " + Shape.str(shape) + " perm " + java.util.Arrays.toString(perm)
                                    + " step " + step + " flip " + flip + " mask " + mask + " out " + o);
                        }
                    }
                }
            }
        }
    }

    @Test void nanPropagatesThroughMaxMinSum() {
        for (int n : new int[] {1, 17, 1000}) for (int at : new int[] {0, n / 2, n - 1}) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = i % 7;
            v[at] = Float.NaN;
            for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN, ReduceOp.PROD}) {
                Tensor out = Layouts.empty(DType.F32, 1);
                CpuReduce.reduce(op, Tensor.fromArray(v.clone()), out);
                assertTrue(Float.isNaN(((CpuStorage) out.storage()).f32()[0]), op + " n=" + n + " nan at " + at);
                // the same along an outer dim with kept inner columns
                Tensor col = new Tensor(new CpuStorage(DType.F32, v.clone()), new int[] {n, 3}, new int[] {1, 0}, 0);
                Tensor o3 = Layouts.empty(DType.F32, 1, 3);
                CpuReduce.reduce(op, col, o3);
                for (int j = 0; j < 3; j++) assertTrue(Float.isNaN(((CpuStorage) o3.storage()).f32()[j]));
            }
        }
    }

    @Test void millionElementSumIsAccurate() {
        Random r = new Random(22);
        int n = 1_000_000;
        float[] v = new float[n];
        double ref = 0;
        for (int i = 0; i < n; i++) { v[i] = r.nextFloat(); ref += v[i]; }
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            Tensor out = Layouts.empty(DType.F32, 1);
            CpuReduce.reduce(ReduceOp.SUM, Tensor.fromArray(v), out);
            float got = ((CpuStorage) out.storage()).f32()[0];
            assertEquals(ref, got, 1e-6 * ref, "full sum with " + threads + " threads");
            // as [1000, 1000] reduced over the outer dim then the inner dim
            Tensor x2 = Tensor.fromArray(v, 1000, 1000);
            Tensor o0 = Layouts.empty(DType.F32, 1, 1000);
            CpuReduce.reduce(ReduceOp.SUM, x2, o0);
            double s = 0;
            for (float f : ((CpuStorage) o0.storage()).f32()) s += f;
            assertEquals(ref, s, 1e-6 * ref);
            // sum along a long outer dim (1e6 rows of 1 column pair)
            Tensor tall = Tensor.fromArray(v, 500_000, 2);
            Tensor ot = Layouts.empty(DType.F32, 1, 2);
            CpuReduce.reduce(ReduceOp.SUM, tall, ot);
            float[] tv = ((CpuStorage) ot.storage()).f32();
            assertEquals(ref, (double) tv[0] + tv[1], 2e-6 * ref);
        }
    }

    @Test void sameResultWithOneAndTwoThreads() {
        Random r = new Random(23);
        Tensor x = make(r, new int[] {8, 3, 70000}, new int[] {0, 1, 2}, 1, false, 0.1);
        float[][] res = new float[2][];
        for (int t = 1; t <= 2; t++) {
            Parallel.setThreads(t);
            Tensor out = Layouts.empty(DType.F32, 1, 3, 1);
            CpuReduce.reduce(ReduceOp.SUM, x, out);
            res[t - 1] = ((CpuStorage) out.storage()).f32().clone();
        }
        assertArrayEquals(res[0], res[1], 0f, "reductions are deterministic across thread counts");
    }

    @Test void integerAndDoubleReductions() {
        long[] v = {Long.MAX_VALUE - 10, 3, 4, -2};
        Tensor out = Layouts.empty(DType.I64, 1);
        CpuReduce.reduce(ReduceOp.SUM, Tensor.fromLongs(new long[] {1L << 60, 1, 1}), out);
        assertEquals((1L << 60) + 2, ((CpuStorage) out.storage()).i64()[0], "exact long sum");
        CpuReduce.reduce(ReduceOp.MAX, Tensor.fromLongs(v), out);
        assertEquals(Long.MAX_VALUE - 10, ((CpuStorage) out.storage()).i64()[0]);
        CpuReduce.reduce(ReduceOp.MIN, Tensor.fromLongs(v), out);
        assertEquals(-2, ((CpuStorage) out.storage()).i64()[0]);
        Tensor o64 = Layouts.empty(DType.F64, 1);
        CpuReduce.reduce(ReduceOp.PROD, Tensor.fromArray(new double[] {1.5, -2, 4}), o64);
        assertEquals(-12, ((CpuStorage) o64.storage()).f64()[0], 0);
        Tensor b = Layouts.empty(DType.BOOL, 1);
        CpuReduce.reduce(ReduceOp.MIN, new Tensor(new CpuStorage(DType.BOOL, new byte[] {1, 0, 1}), new int[] {3}, new int[] {1}, 0), b);
        assertEquals(0, ((CpuStorage) b.storage()).u8()[0], "all() as min over bool");
    }

    @Test void argmaxArgminFirstOccurrenceAndNan() {
        float[] v = {1, 5, 5, -2, -2, 0};
        Tensor out = Layouts.empty(DType.I64, 1);
        CpuReduce.argReduce(ReduceOp.ARGMAX, Tensor.fromArray(v), 0, out);
        assertEquals(1, ((CpuStorage) out.storage()).i64()[0]);
        CpuReduce.argReduce(ReduceOp.ARGMIN, Tensor.fromArray(v), 0, out);
        assertEquals(3, ((CpuStorage) out.storage()).i64()[0]);
        float[] w = {1, Float.NaN, 9, Float.NaN};
        CpuReduce.argReduce(ReduceOp.ARGMAX, Tensor.fromArray(w), 0, out);
        assertEquals(1, ((CpuStorage) out.storage()).i64()[0], "NaN is the max, first NaN wins");
        CpuReduce.argReduce(ReduceOp.ARGMIN, Tensor.fromArray(w), 0, out);
        assertEquals(1, ((CpuStorage) out.storage()).i64()[0], "NaN is the min too");
        // along dim 0 of a transposed [3, 2] view
        Tensor t = new Tensor(new CpuStorage(DType.F32, new float[] {4, 7, 4, 1, 9, 1}), new int[] {3, 2}, new int[] {1, 3}, 0);
        Tensor o2 = Layouts.empty(DType.I64, 1, 2);
        CpuReduce.argReduce(ReduceOp.ARGMAX, t, 0, o2);
        assertArrayEquals(new long[] {1, 1}, ((CpuStorage) o2.storage()).i64());
        CpuReduce.argReduce(ReduceOp.ARGMIN, t, 0, o2);
        assertArrayEquals(new long[] {0, 0}, ((CpuStorage) o2.storage()).i64());
    }

    static int[] identity(int n) { int[] p = new int[n]; for (int i = 0; i < n; i++) p[i] = i; return p; }
    static int[] reversed(int n) { int[] p = new int[n]; for (int i = 0; i < n; i++) p[i] = n - 1 - i; return p; }
    static int[] rotated(int n) { int[] p = new int[n]; for (int i = 0; i < n; i++) p[i] = (i + 1) % n; return p; }
}
