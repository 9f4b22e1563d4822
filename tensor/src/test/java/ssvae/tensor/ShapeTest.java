package ssvae.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Shape arithmetic: view strides checked by brute force, broadcasting, -1 inference, dim wrapping. */
class ShapeTest {
    /** Storage offsets of every element in row-major logical order. */
    static int[] offsets(int[] shape, int[] strides, int off) {
        int n = Shape.numel(shape);
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            int rem = i, p = off;
            for (int d = shape.length - 1; d >= 0; d--) { p += (rem % shape[d]) * strides[d]; rem /= shape[d]; }
            o[i] = p;
        }
        return o;
    }

    static int[] randomShape(Random r, int numelFactors) {
        int rank = 1 + r.nextInt(4);
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = 1 + r.nextInt(4);
        return s;
    }

    @Test void viewStridesAreValidWheneverReturnedAndExistForContiguous() {
        Random r = new Random(3);
        int valid = 0;
        for (int it = 0; it < 3000; it++) {
            int[] phys = randomShape(r, 0);
            int rank = phys.length;
            int[] perm = new int[rank];
            for (int i = 0; i < rank; i++) perm[i] = i;
            if (r.nextBoolean()) for (int i = rank - 1; i > 0; i--) { int j = r.nextInt(i + 1); int t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
            int[] pst = Shape.contiguousStrides(phys);
            int[] shape = new int[rank], st = new int[rank];
            for (int i = 0; i < rank; i++) { shape[i] = phys[perm[i]]; st[i] = pst[perm[i]]; }
            // random regrouping of the same numel
            int n = Shape.numel(shape);
            int[] target = factor(r, n);
            int[] vs = Shape.viewStrides(shape, st, target);
            boolean contiguous = java.util.Arrays.equals(perm, identity(rank)) ;
            if (contiguous) assertNotNull(vs, "contiguous tensors can always be viewed");
            if (vs != null) {
                valid++;
                assertArrayEquals(offsets(shape, st, 0), offsets(target, vs, 0),
                        "view " + java.util.Arrays.toString(target) + " of " + java.util.Arrays.toString(shape) + " strides " + java.util.Arrays.toString(st));
            }
        }
        assertTrue(valid > 1000);
    }

    static int[] identity(int n) { int[] p = new int[n]; for (int i = 0; i < n; i++) p[i] = i; return p; }

    static int[] factor(Random r, int n) {
        java.util.List<Integer> f = new java.util.ArrayList<>();
        int m = n;
        for (int p = 2; p <= m; p++) while (m % p == 0) { f.add(p); m /= p; }
        java.util.Collections.shuffle(f, r);
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        int cur = 1;
        for (int x : f) { cur *= x; if (r.nextInt(3) == 0) { dims.add(cur); cur = 1; } }
        dims.add(cur);
        if (r.nextBoolean()) dims.add(r.nextInt(dims.size() + 1), 1);
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test void broadcastInferDims() {
        assertArrayEquals(new int[] {3, 2, 4}, Shape.broadcast(new int[] {3, 1, 4}, new int[] {2, 4}));
        assertArrayEquals(new int[] {2, 2}, Shape.broadcast(new int[] {}, new int[] {2, 2}));
        assertArrayEquals(new int[] {0, 3}, Shape.broadcast(new int[] {0, 1}, new int[] {1, 3}));
        assertThrows(IllegalArgumentException.class, () -> Shape.broadcast(new int[] {2}, new int[] {3}));
        assertArrayEquals(new int[] {4, 6}, Shape.infer(new int[] {4, -1}, 24));
        assertArrayEquals(new int[] {0, 5}, Shape.infer(new int[] {0, 5}, 0));
        assertThrows(IllegalArgumentException.class, () -> Shape.infer(new int[] {0, -1}, 0), "-1 is ambiguous with a 0 dim");
        assertThrows(IllegalArgumentException.class, () -> Shape.infer(new int[] {5, -1}, 24));
        assertThrows(IllegalArgumentException.class, () -> Shape.infer(new int[] {-2, 12}, 24));
        assertEquals(2, Shape.dim(-1, 3));
        assertEquals(0, Shape.dim(0, 0), "a 0-d tensor accepts dim 0 and -1");
        assertEquals(0, Shape.dim(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> Shape.dim(3, 3));
        assertThrows(IllegalArgumentException.class, () -> Shape.dim(-4, 3));
        assertArrayEquals(new int[] {0, 2}, Shape.dims(new int[] {2, -3}, 3));
        assertArrayEquals(new int[] {0, 1, 2}, Shape.dims(null, 3));
        assertThrows(IllegalArgumentException.class, () -> Shape.dims(new int[] {1, -2}, 3));
        assertThrows(IllegalArgumentException.class, () -> Shape.numel(new int[] {65536, 65536}));
        assertArrayEquals(new int[] {12, 4, 1}, Shape.contiguousStrides(new int[] {2, 3, 4}));
    }

    @Test void halfConversionsRoundTrip() {
        for (int b = 0; b < 0x10000; b++) {
            float v = Half.f16ToFloat((short) b);
            if (!Float.isNaN(v)) assertEquals((short) b, Half.floatToF16(v), "f16 bits " + Integer.toHexString(b));
        }
    }

    @Test void philoxUniformRanges() {
        assertEquals(0f, Philox.uniform(0));
        assertTrue(Philox.uniform(-1) < 1f);
        assertTrue(Philox.uniformOpen(0) > 0);
        assertEquals(1.0, Philox.uniformOpen(-1));
    }

    @Test void generatorReservesWholeBlocks() {
        Generator g = new Generator(9);
        assertEquals(0, g.reserve(5));
        assertEquals(2, g.reserve(1), "5 values use 2 counters");
        assertEquals(3, g.offset());
        int b = g.nextInt(10);
        assertTrue(b >= 0 && b < 10);
        double d = g.nextDouble();
        assertTrue(d >= 0 && d < 1);
    }
}
