package ssvae.kernels.cpu;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.PoolParams;
import ssvae.tensor.Tensor;

import static ssvae.kernels.cpu.NnKernelCheck.*;
import static org.junit.jupiter.api.Assertions.*;

/** Max pooling kernels: F32 fast path against the reference (padding, ceil mode, odd sizes); hand values; NaN. */
class CpuPoolTest {
    final Generator g = new Generator(41);

    private static PoolParams pp(int[] k, int[] s, int[] p, boolean ceil) { return new PoolParams(k, s, p, ceil); }

    @Test void fastMatchesReference() {
        int[][] shapes = {{1, 2, 1, 7, 9}, {2, 3, 5, 6, 7}, {1, 1, 3, 11, 4}};
        PoolParams[] ps = {
                pp(new int[] {1, 2, 2}, new int[] {1, 2, 2}, new int[] {0, 0, 0}, false),
                pp(new int[] {1, 3, 3}, new int[] {1, 2, 2}, new int[] {0, 1, 1}, true),
                pp(new int[] {3, 3, 2}, new int[] {2, 1, 2}, new int[] {1, 1, 0}, false),
                pp(new int[] {2, 3, 3}, new int[] {2, 2, 3}, new int[] {0, 1, 1}, true)};
        for (int[] s : shapes)
            for (PoolParams p : ps) {
                if (p.kernel()[0] > s[2] + 2 * p.padding()[0]) continue;
                int[] os = {s[0], s[1], p.outSize(0, s[2]), p.outSize(1, s[3]), p.outSize(2, s[4])};
                Tensor x = atOffset(randn(g, DType.F32, s), 2);
                Tensor of = Tensor.empty(DType.F32, Device.CPU, os), or = Tensor.empty(DType.F32, Device.CPU, os);
                Tensor idf = Tensor.empty(DType.I64, Device.CPU, os), idr = Tensor.empty(DType.I64, Device.CPU, os);
                CpuNn.maxPool(p, x, of, idf);
                CpuPool.forwardRef(p, x, or, idr);
                String what = java.util.Arrays.toString(s) + " k" + java.util.Arrays.toString(p.kernel()) + " ceil=" + p.ceilMode();
                close(what, or, of, 0, 0);
                assertArrayEquals(values(idr), values(idf), what + " indices");
                Tensor go = randn(g, DType.F32, os);
                Tensor gf = Tensor.full(3, DType.F32, Device.CPU, s), gr = Tensor.empty(DType.F32, Device.CPU, s);
                CpuNn.maxPoolBackward(p, go, idf, gf);
                CpuPool.backwardRef(go, idf, gr);
                close(what + " backward", gr, gf, 1e-6, 1e-6);
            }
    }

    @Test void handValuesPaddingCeilAndNaN() {
        // 1x1x1x3x3 = 1..9, kernel 2 stride 2 ceil_mode: windows {1,2,4,5} {3,6} {7,8} {9}
        float[] v = new float[9];
        for (int i = 0; i < 9; i++) v[i] = i + 1;
        Tensor x = Tensor.fromArray(v, 1, 1, 1, 3, 3);
        PoolParams p = pp(new int[] {1, 2, 2}, new int[] {1, 2, 2}, new int[] {0, 0, 0}, true);
        Tensor out = Tensor.empty(DType.F32, Device.CPU, 1, 1, 1, 2, 2), idx = Tensor.empty(DType.I64, Device.CPU, 1, 1, 1, 2, 2);
        CpuNn.maxPool(p, x, out, idx);
        assertArrayEquals(new double[] {5, 6, 8, 9}, values(out));
        assertArrayEquals(new double[] {4, 5, 7, 8}, values(idx));
        // ties: the first maximum of each window wins (F32 fast path and F64 reference)
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            Tensor flat = Tensor.full(2, dt, Device.CPU, 1, 1, 1, 3, 3), o = Tensor.empty(dt, Device.CPU, 1, 1, 1, 2, 2);
            CpuNn.maxPool(p, flat, o, idx);
            assertArrayEquals(new double[] {0, 2, 6, 8}, values(idx), dt + " tie indices");
        }
        // padding 1, kernel 3, stride 2 on all-negative input: padding never wins
        Tensor neg = Tensor.fromArray(new float[] {-5, -4, -3, -2, -1, -6, -7, -8, -9}, 1, 1, 1, 3, 3);
        PoolParams q = pp(new int[] {1, 3, 3}, new int[] {1, 2, 2}, new int[] {0, 1, 1}, false);
        CpuNn.maxPool(q, neg, out, idx);
        assertArrayEquals(new double[] {-1, -1, -1, -1}, values(out));
        // NaN propagates
        v[4] = Float.NaN;
        CpuNn.maxPool(p, Tensor.fromArray(v, 1, 1, 1, 3, 3), out, idx);
        assertTrue(Float.isNaN(out.toFloatArray()[0]));
        assertEquals(4, idx.toLongArray()[0]);
    }

    @Test void rejectsBadGeometry() {
        Tensor x = Tensor.empty(DType.F32, Device.CPU, 1, 1, 1, 4, 4);
        PoolParams bad = pp(new int[] {1, 2, 2}, new int[] {1, 2, 2}, new int[] {0, 2, 2}, false);
        assertThrows(IllegalArgumentException.class, () -> CpuNn.maxPool(bad, x, Tensor.empty(DType.F32, Device.CPU, 1, 1, 1, 4, 4), Tensor.empty(DType.I64, Device.CPU, 1, 1, 1, 4, 4)));
    }
}
