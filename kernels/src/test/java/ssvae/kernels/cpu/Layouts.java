package ssvae.kernels.cpu;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;

import java.util.Random;

/** Test tensors of one logical shape in different memory layouts (raw views: no autograd module needed). */
final class Layouts {
    private Layouts() {}

    enum Kind { CONTIGUOUS, STRIDED, TRANSPOSED, FLIPPED, EXPANDED }

    /** Values for elementwise tests: normals scaled by 3 plus the special values that break fast paths. */
    static float[] values(Random r, int n, boolean specials) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * 3);
        if (specials) {
            float[] sp = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 100f, -100f, 1e-30f, -1e-30f, 88.5f, -88.5f, 0.5f, -2.4f};
            for (int i = 0; i < sp.length && i < n; i++) v[(i * 7) % n] = sp[i];
        }
        return v;
    }

    /**
     * A 2-D [m, n] F32 tensor holding logical values vals (row-major) in the given layout.
     * EXPANDED keeps only row 0 and broadcasts it (stride 0 in dim 0).
     */
    static Tensor f32(float[] vals, int m, int n, Kind kind) {
        switch (kind) {
            case CONTIGUOUS -> { return Tensor.fromArray(vals.clone(), m, n); }
            case STRIDED -> {
                int rs = 2 * n + 3, off = 5;
                float[] buf = new float[off + m * rs + 1];
                java.util.Arrays.fill(buf, Float.NaN); // gaps are poison: reading one shows up as NaN
                for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) buf[off + i * rs + 2 * j] = vals[i * n + j];
                return new Tensor(new CpuStorage(DType.F32, buf), new int[] {m, n}, new int[] {rs, 2}, off);
            }
            case TRANSPOSED -> {
                float[] buf = new float[m * n];
                for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) buf[j * m + i] = vals[i * n + j];
                return new Tensor(new CpuStorage(DType.F32, buf), new int[] {m, n}, new int[] {1, m}, 0);
            }
            case FLIPPED -> {
                float[] buf = new float[m * n];
                for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) buf[(m - 1 - i) * n + (n - 1 - j)] = vals[i * n + j];
                return new Tensor(new CpuStorage(DType.F32, buf), new int[] {m, n}, new int[] {-n, -1}, m * n - 1);
            }
            case EXPANDED -> {
                float[] buf = java.util.Arrays.copyOf(vals, n);
                for (int i = 0; i < m; i++) System.arraycopy(buf, 0, vals, i * n, n); // logical values are now row 0 repeated
                return new Tensor(new CpuStorage(DType.F32, buf), new int[] {m, n}, new int[] {0, 1}, 0);
            }
        }
        throw new AssertionError(kind);
    }

    /** All logical elements (row-major) of any CPU tensor, as double. */
    static double[] all(Tensor t) {
        int[] sh = t.shape(), st = t.strides();
        CpuStorage s = (CpuStorage) t.storage();
        double[] v = new double[t.numel()];
        for (int i = 0; i < v.length; i++) {
            int off = t.offset(), rem = i;
            for (int d = sh.length - 1; d >= 0; d--) { off += (rem % sh[d]) * st[d]; rem /= sh[d]; }
            v[i] = s.getDouble(off);
        }
        return v;
    }

    /** Logical element i (row-major) of any CPU tensor, as double. */
    static double at(Tensor t, int i) {
        int[] sh = t.shape(), st = t.strides();
        int off = t.offset(), rem = i;
        for (int d = sh.length - 1; d >= 0; d--) { off += (rem % sh[d]) * st[d]; rem /= sh[d]; }
        return ((CpuStorage) t.storage()).getDouble(off);
    }

    static Tensor empty(DType dt, int... shape) {
        return new Tensor(new CpuStorage(dt, Shape.numel(shape)), shape, Shape.contiguousStrides(shape), 0);
    }

    /** Distance in units in the last place between two floats (0 when both NaN or equal). */
    static long ulps(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        if (a == b) return 0;
        if (Float.isInfinite(a) || Float.isInfinite(b)) return Long.MAX_VALUE;
        return Math.abs(ordered(a) - ordered(b));
    }

    private static long ordered(float f) {
        int b = Float.floatToRawIntBits(f);
        return b < 0 ? -(long) (b & 0x7fffffff) : b;
    }
}
