package ssvae.autograd;

import org.junit.jupiter.api.Test;
import ssvae.tensor.Tensor;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** index_select and gather: values on strided inputs, negative indices, errors, gradients with repeated indices. */
class IndexingTest {
    static Tensor ar(int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return Tensor.fromArray(v, shape);
    }

    @Test void indexSelect() {
        Tensor x = ar(3, 4);
        assertArrayEquals(new double[] {2, 0, 3, 6, 4, 7, 10, 8, 11}, x.indexSelect(1, Tensor.fromLongs(new long[] {2, 0, -1})).toDoubleArray());
        assertArrayEquals(new double[] {8, 9, 10, 11, 8, 9, 10, 11}, x.indexSelect(0, Tensor.fromInts(new int[] {2, 2})).toDoubleArray());
        assertArrayEquals(new double[] {1, 5, 9, 3, 7, 11}, x.t().indexSelect(0, Tensor.fromLongs(new long[] {1, 3})).toDoubleArray());
        assertArrayEquals(new int[] {3, 0}, x.indexSelect(1, Tensor.fromLongs(new long[] {})).shape());
        assertThrows(IndexOutOfBoundsException.class, () -> x.indexSelect(1, Tensor.fromLongs(new long[] {4})));
        assertThrows(IndexOutOfBoundsException.class, () -> x.indexSelect(1, Tensor.fromLongs(new long[] {-5})));
        assertThrows(IllegalArgumentException.class, () -> x.indexSelect(1, Tensor.fromArray(new float[] {1})));
        assertThrows(IllegalArgumentException.class, () -> x.indexSelect(1, Tensor.fromLongs(new long[] {1, 1}, 1, 2)));
        // integer data
        assertArrayEquals(new long[] {30, 10}, Tensor.fromLongs(new long[] {10, 20, 30}).indexSelect(0, Tensor.fromLongs(new long[] {2, 0})).toLongArray());
    }

    @Test void indexSelectGradientAccumulatesRepeats() {
        Tensor x = ar(3, 2).requiresGrad(true);
        x.indexSelect(0, Tensor.fromLongs(new long[] {2, 0, 2, 2})).sum().backward();
        assertArrayEquals(new double[] {1, 1, 0, 0, 3, 3}, x.grad().toDoubleArray(), 0);
    }

    @Test void largeSlabsTakeTheCopyKernelPath() {
        // slabs >= CpuIndex.SLAB elements per index go through the strided copy / add kernels
        Tensor x = ar(3, 40, 20).permute(1, 0, 2).requiresGrad(true); // [40, 3, 20], non-contiguous
        Tensor idx = Tensor.fromLongs(new long[] {2, 0, 2, 2, -1});
        Tensor y = x.indexSelect(1, idx);
        assertArrayEquals(new int[] {40, 5, 20}, y.shape());
        for (int a = 0; a < 40; a += 13) for (int j = 0; j < 5; j++) for (int c = 0; c < 20; c += 7) {
            int src = new int[] {2, 0, 2, 2, 2}[j];
            assertEquals(src * 800 + a * 20 + c, y.get(a, j, c), 0.0);
        }
        Tensor w = Tensor.fromArray(new double[] {1, 10, 100, 1000, 10000}, 1, 5, 1);
        y.mul(w).sum().backward();
        double[] gx = x.grad().contiguous().toDoubleArray(); // x.grad has x's shape [40, 3, 20]
        for (int a = 0; a < 40; a++) for (int k = 0; k < 3; k++) for (int c = 0; c < 20; c++) {
            double e = k == 0 ? 10 : k == 2 ? 1 + 100 + 1000 + 10000 : 0;
            assertEquals(e, gx[(a * 3 + k) * 20 + c], 0.0);
        }
        // F32 replicate padding of a video-like tensor along time, checked against the per-frame definition
        Tensor v = ar(2, 3, 16, 32).to(ssvae.tensor.DType.F32);
        Tensor p = v.pad(new int[] {0, 0, 0, 0, 2, 1}, ssvae.tensor.PadMode.REPLICATE, 0);
        assertArrayEquals(new int[] {2, 6, 16, 32}, p.shape());
        int[] from = {0, 0, 0, 1, 2, 2};
        for (int t = 0; t < 6; t++)
            assertArrayEquals(v.select(1, from[t]).toFloatArray(), p.select(1, t).toFloatArray(), 0f, "frame " + t);
    }

    @Test void gather() {
        Tensor x = ar(3, 4);
        Tensor idx = Tensor.fromLongs(new long[] {3, 0, 1, 1, -1, 2}, 3, 2);
        assertArrayEquals(new double[] {3, 0, 5, 5, 11, 10}, x.gather(1, idx).toDoubleArray());
        Tensor i0 = Tensor.fromLongs(new long[] {2, 0, 1, 2}, 1, 4);
        assertArrayEquals(new double[] {8, 1, 6, 11}, x.gather(0, i0).toDoubleArray());
        // index smaller than input in the other dim is allowed
        assertArrayEquals(new double[] {1, 5}, x.gather(1, Tensor.fromLongs(new long[] {1, 1}, 2, 1)).toDoubleArray());
        assertArrayEquals(new double[] {4, 1}, x.t().gather(1, Tensor.fromLongs(new long[] {1, 0}, 2, 1)).toDoubleArray());
        assertThrows(IndexOutOfBoundsException.class, () -> x.gather(1, Tensor.fromLongs(new long[] {4}, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> x.gather(1, Tensor.fromLongs(new long[] {0})), "rank mismatch");
        assertThrows(IllegalArgumentException.class, () -> x.gather(1, Tensor.fromLongs(new long[] {0, 0, 0, 0, 0}, 5, 1)),
                "index larger than the input outside the gather dim");
        assertThrows(IllegalArgumentException.class, () -> x.gather(1, Tensor.fromArray(new float[] {0}, 1, 1)));
    }

    @Test void gatherGradientAccumulatesRepeats() {
        Tensor x = ar(2, 3).requiresGrad(true);
        x.gather(1, Tensor.fromLongs(new long[] {0, 0, 2, 1}, 2, 2)).mul(Tensor.fromArray(new double[] {1, 2, 3, 4}, 2, 2)).sum().backward();
        assertArrayEquals(new double[] {3, 0, 0, 0, 4, 3}, x.grad().toDoubleArray(), 0);
        GradCheck.check(in -> in.get(0).gather(0, Tensor.fromLongs(new long[] {1, 1, 0}, 1, 3)), List.of(GradCheck.leaf(new ssvae.tensor.Generator(3), 2, 3)));
    }
}
