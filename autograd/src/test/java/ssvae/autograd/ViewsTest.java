package ssvae.autograd;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.PadMode;
import ssvae.tensor.Tensor;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Views share storage (a write through one is seen through the other); shape ops follow PyTorch's semantics. */
class ViewsTest {
    static Tensor ar(int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return Tensor.fromArray(v, shape);
    }

    static double[] vals(Tensor t) { return t.toDoubleArray(); }

    /** Writes v into view element idx and checks base sees it at baseIdx. */
    static void writeThrough(Tensor base, Tensor view, int[] idx, int[] baseIdx) {
        assertSame(base.storage(), view.storage(), "a view shares storage");
        Tensor one = view;
        for (int d = idx.length - 1; d >= 0; d--) one = one.select(d, idx[d]);
        double old = base.get(baseIdx);
        one.fill_(-77);
        assertEquals(-77, base.get(baseIdx), 0.0);
        one.fill_(old);
    }

    @Test void viewReshapeAndInference() {
        Tensor x = ar(2, 3, 4);
        Tensor v = x.view(4, -1);
        assertArrayEquals(new int[] {4, 6}, v.shape());
        writeThrough(x, v, new int[] {3, 5}, new int[] {1, 2, 3});
        assertThrows(IllegalArgumentException.class, () -> x.view(5, -1));
        assertThrows(IllegalArgumentException.class, () -> x.view(-1, -1));
        // a transposed tensor cannot be viewed flat but can be reshaped (a copy)
        Tensor t = ar(3, 4).t();
        assertThrows(IllegalStateException.class, () -> t.view(12));
        Tensor r = t.reshape(12);
        assertNotSame(t.storage(), r.storage());
        assertArrayEquals(new double[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, vals(r));
        // merging dims that are contiguous with each other inside a non-contiguous tensor is a view
        Tensor p = ar(2, 3, 4).permute(2, 0, 1); // [4, 2, 3], dims 1,2 still contiguous together
        Tensor pv = p.view(4, 6);
        assertSame(p.storage(), pv.storage());
        assertEquals(p.get(3, 1, 2), pv.get(3, 5), 0.0);
        Tensor q = ar(2, 3, 4).reshape(2, 1, 12, 1);
        assertSame(q.storage(), q.squeeze().storage());
        assertArrayEquals(new int[] {2, 12}, q.squeeze().shape());
        assertArrayEquals(new int[] {2, 12, 1}, q.squeeze(1).shape());
        assertArrayEquals(new int[] {2, 1, 12, 1}, q.squeeze(0).shape(), "squeeze of a non-1 dim is a no-op");
        assertArrayEquals(new int[] {2, 1, 1, 12, 1}, q.unsqueeze(-3).shape());
        assertArrayEquals(new int[] {2, 1, 12, 1, 1}, q.unsqueeze(-1).shape());
        assertEquals(0, Tensor.scalar(3).dim());
        assertArrayEquals(new int[] {1}, Tensor.scalar(3).flatten().shape());
    }

    @Test void permuteTransposeAndT() {
        Tensor x = ar(2, 3, 4);
        Tensor p = x.permute(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape());
        assertEquals(x.get(1, 2, 3), p.get(3, 1, 2), 0.0);
        writeThrough(x, p, new int[] {3, 1, 2}, new int[] {1, 2, 3});
        Tensor tr = x.transpose(0, -1);
        assertArrayEquals(new int[] {4, 3, 2}, tr.shape());
        writeThrough(x, tr, new int[] {1, 2, 0}, new int[] {0, 2, 1});
        assertArrayEquals(new int[] {3, 2}, ar(2, 3).t().shape());
        assertThrows(IllegalArgumentException.class, () -> x.permute(0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> x.permute(0, 1));
        assertThrows(IllegalArgumentException.class, () -> x.transpose(0, 3));
        assertEquals(0, Tensor.scalar(1).transpose(0, -1).dim(), "0-d transpose is the identity");
    }

    @Test void slicePythonSemantics() {
        Tensor x = ar(10);
        assertArrayEquals(new double[] {2, 5, 8}, vals(x.slice(0, 2, 10, 3)));
        assertArrayEquals(new double[] {7, 8}, vals(x.slice(0, -3, -1)));
        assertArrayEquals(new double[] {0, 1, 2}, vals(x.slice(0, -100, 3)));
        assertArrayEquals(new double[] {8, 9}, vals(x.slice(0, 8, 100)));
        assertEquals(0, x.slice(0, 7, 3).numel(), "empty when end < start");
        assertEquals(0, x.slice(0, 12, 20).numel());
        assertArrayEquals(new double[] {1, 3, 5, 7, 9}, vals(x.slice(0, 1, Integer.MAX_VALUE, 2)));
        assertThrows(IllegalArgumentException.class, () -> x.slice(0, 0, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> x.slice(0, 0, 5, -1));
        Tensor m = ar(4, 6);
        Tensor s = m.slice(1, 1, 6, 2);
        assertArrayEquals(new int[] {4, 3}, s.shape());
        writeThrough(m, s, new int[] {2, 2}, new int[] {2, 5});
    }

    @Test void narrowSelectUnbindChunkSplit() {
        Tensor x = ar(3, 5);
        Tensor n = x.narrow(1, -3, 2);
        assertArrayEquals(new double[] {2, 3, 7, 8, 12, 13}, vals(n));
        writeThrough(x, n, new int[] {1, 1}, new int[] {1, 3});
        assertThrows(IndexOutOfBoundsException.class, () -> x.narrow(1, 3, 3));
        Tensor s = x.select(0, -1);
        assertArrayEquals(new double[] {10, 11, 12, 13, 14}, vals(s));
        writeThrough(x, s, new int[] {4}, new int[] {2, 4});
        assertThrows(IndexOutOfBoundsException.class, () -> x.select(0, 3));
        List<Tensor> ub = x.unbind(1);
        assertEquals(5, ub.size());
        assertArrayEquals(new double[] {1, 6, 11}, vals(ub.get(1)));
        List<Tensor> ch = ar(7).chunk(3, 0);
        assertEquals(3, ch.size());
        assertArrayEquals(new double[] {6}, vals(ch.get(2)));
        List<Tensor> sp = ar(7).split(3, 0);
        assertArrayEquals(new int[] {3, 3, 1}, new int[] {sp.get(0).numel(), sp.get(1).numel(), sp.get(2).numel()});
        List<Tensor> sz = ar(2, 7).split(new int[] {2, 0, 5}, 1);
        assertArrayEquals(new int[] {2, 0}, sz.get(1).shape());
        assertArrayEquals(new double[] {2, 3, 4, 5, 6, 9, 10, 11, 12, 13}, vals(sz.get(2)));
        for (Tensor t : sz) assertSame(x.storage().getClass(), t.storage().getClass());
        assertThrows(IllegalArgumentException.class, () -> ar(7).split(new int[] {3, 3}, 0));
        Tensor base = ar(2, 7);
        writeThrough(base, base.split(new int[] {2, 5}, 1).get(1), new int[] {1, 0}, new int[] {1, 2});
    }

    @Test void expandRules() {
        Tensor x = ar(3, 1);
        Tensor e = x.expand(2, 3, 4);
        assertArrayEquals(new int[] {2, 3, 4}, e.shape());
        assertArrayEquals(new int[] {0, 1, 0}, e.strides());
        assertEquals(2, e.get(1, 2, 3), 0.0);
        writeThrough(x, e, new int[] {0, 1, 2}, new int[] {1, 0});
        assertArrayEquals(new int[] {3, 5}, x.expand(-1, 5).shape());
        assertThrows(IllegalArgumentException.class, () -> x.expand(4, 4), "size 3 cannot expand to 4");
        assertThrows(IllegalArgumentException.class, () -> x.expand(5));
        assertThrows(IllegalArgumentException.class, () -> x.expand(-1, 3, 4), "-1 for a new leading dim");
        // expand then contiguous materialises
        assertArrayEquals(new double[] {0, 0, 1, 1, 2, 2}, vals(x.expand(3, 2).contiguous()));
    }

    @Test void flattenUnflattenContiguous() {
        Tensor x = ar(2, 3, 4);
        assertArrayEquals(new int[] {2, 12}, x.flatten(1, -1).shape());
        assertArrayEquals(new int[] {6, 4}, x.flatten(0, 1).shape());
        assertArrayEquals(new int[] {24}, x.flatten().shape());
        assertSame(x.storage(), x.flatten().storage());
        Tensor u = x.unflatten(2, 2, -1);
        assertArrayEquals(new int[] {2, 3, 2, 2}, u.shape());
        writeThrough(x, u, new int[] {1, 2, 1, 0}, new int[] {1, 2, 2});
        assertThrows(IllegalArgumentException.class, () -> x.unflatten(2, 3, -1));
        assertSame(x, x.contiguous());
        Tensor p = x.permute(2, 1, 0);
        assertFalse(p.isContiguous());
        Tensor c = p.contiguous();
        assertTrue(c.isContiguous());
        assertNotSame(p.storage(), c.storage());
        assertEquals(p.get(3, 2, 1), c.get(3, 2, 1), 0.0);
    }

    @Test void catAndStack() {
        Tensor a = ar(2, 3), b = ar(2, 1).add(100);
        Tensor c = Tensor.cat(List.of(a, b), -1);
        assertArrayEquals(new double[] {0, 1, 2, 100, 3, 4, 5, 101}, vals(c));
        // type promotion: I64 with F32 gives F32; bool with I32 gives I32
        Tensor ci = Tensor.cat(List.of(Tensor.fromLongs(new long[] {1, 2}), Tensor.fromArray(new float[] {0.5f})), 0);
        assertEquals(DType.F32, ci.dtype());
        assertArrayEquals(new double[] {1, 2, 0.5}, vals(ci));
        Tensor cb = Tensor.cat(List.of(Tensor.fromBools(new boolean[] {true}), Tensor.fromInts(new int[] {7})), 0);
        assertEquals(DType.I32, cb.dtype());
        assertThrows(IllegalArgumentException.class, () -> Tensor.cat(List.of(ar(2, 3), ar(3, 3)), 1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.cat(List.of(ar(2, 3), ar(6)), 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.cat(List.of(), 0));
        // cat of strided inputs
        Tensor t = ar(3, 2).t();
        assertArrayEquals(new double[] {0, 2, 4, 1, 3, 5, 0, 2, 4, 1, 3, 5}, vals(Tensor.cat(List.of(t, t), 0)));
        Tensor s = Tensor.stack(List.of(ar(2, 2), ar(2, 2).neg()), 1);
        assertArrayEquals(new int[] {2, 2, 2}, s.shape());
        assertArrayEquals(new double[] {0, 1, -0.0, -1, 2, 3, -2, -3}, vals(s));
        assertArrayEquals(new int[] {2, 2, 2}, Tensor.stack(List.of(ar(2, 2), ar(2, 2)), -1).shape());
        assertThrows(IllegalArgumentException.class, () -> Tensor.stack(List.of(ar(2, 2), ar(2, 3)), 0));
    }

    @Test void flipRepeatRepeatInterleave() {
        Tensor x = ar(2, 3);
        assertArrayEquals(new double[] {5, 4, 3, 2, 1, 0}, vals(x.flip(0, 1)));
        assertArrayEquals(new double[] {2, 1, 0, 5, 4, 3}, vals(x.flip(-1)));
        assertArrayEquals(new double[] {3, 4, 5, 0, 1, 2}, vals(x.flip(0)));
        assertArrayEquals(new int[] {2, 4, 6}, x.repeat(2, 2, 2).shape());
        assertArrayEquals(new double[] {0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}, vals(x.repeat(2, 2)));
        assertArrayEquals(new double[] {0, 1, 0, 1, 2, 3, 2, 3}, vals(ar(2, 2).t().t().repeat(1, 2)));
        assertArrayEquals(new double[] {0, 3, 0, 3, 1, 4, 1, 4, 2, 5, 2, 5}, vals(x.t().repeat(1, 2)), "repeat of a transposed input");
        assertThrows(IllegalArgumentException.class, () -> x.repeat(2));
        assertArrayEquals(new double[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5}, vals(x.repeatInterleave(2, 1)));
        assertArrayEquals(new double[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 3, 4, 5}, vals(x.repeatInterleave(3, 0)));
    }

    @Test void padModes() {
        Tensor x = Tensor.fromArray(new double[] {1, 2, 3, 4}, 1, 4);
        assertArrayEquals(new double[] {9, 9, 1, 2, 3, 4, 9}, vals(x.pad(new int[] {2, 1}, PadMode.CONSTANT, 9)));
        assertArrayEquals(new double[] {3, 2, 1, 2, 3, 4, 3, 2}, vals(x.pad(new int[] {2, 2}, PadMode.REFLECT, 0)));
        assertArrayEquals(new double[] {1, 1, 1, 2, 3, 4, 4}, vals(x.pad(new int[] {2, 1}, PadMode.REPLICATE, 0)));
        assertArrayEquals(new double[] {3, 4, 1, 2, 3, 4, 1}, vals(x.pad(new int[] {2, 1}, PadMode.CIRCULAR, 0)));
        assertArrayEquals(new double[] {2, 3}, vals(x.pad(new int[] {-1, -1}, PadMode.CONSTANT, 0)), "negative pads crop");
        assertArrayEquals(new double[] {2, 3, 4, 0, 0}, vals(x.pad(new int[] {-1, 2}, PadMode.CONSTANT, 0)));
        assertArrayEquals(new double[] {4, 3, 4}, vals(x.pad(new int[] {-2, 0}, PadMode.REFLECT, 0).pad(new int[] {1, 0}, PadMode.REFLECT, 0)));
        assertThrows(IllegalArgumentException.class, () -> x.pad(new int[] {4, 0}, PadMode.REFLECT, 0), "reflect pad >= size");
        assertThrows(IllegalArgumentException.class, () -> x.pad(new int[] {5, 0}, PadMode.CIRCULAR, 0));
        assertThrows(IllegalArgumentException.class, () -> x.pad(new int[] {1}, PadMode.CONSTANT, 0));
        assertThrows(IllegalArgumentException.class, () -> x.pad(new int[] {1, 1, 1, 1, 1, 1}, PadMode.CONSTANT, 0));
        // 2-D: F.pad order (last dim first)
        Tensor m = Tensor.fromArray(new double[] {1, 2, 3, 4}, 1, 2, 2);
        assertArrayEquals(new double[] {4, 3, 4, 2, 1, 2, 4, 3, 4}, vals(m.pad(new int[] {1, 0, 1, 0}, PadMode.REFLECT, 0)));
        assertArrayEquals(new double[] {4, 3, 4, 3, 2, 1, 2, 1, 4, 3, 4, 3}, vals(m.pad(new int[] {1, 1, 1, 0}, PadMode.CIRCULAR, 0)));
    }

    @Test void padFirstModeIsCausalInTime() {
        // [C=1, T=3, H=1, W=2]: time dim is -3; FIRST repeats frame 0 in front (and the last frame behind), other dims constant
        Tensor v = Tensor.fromArray(new double[] {1, 2, 3, 4, 5, 6}, 1, 3, 1, 2);
        Tensor p = v.pad(new int[] {1, 0, 0, 0, 2, 0}, PadMode.FIRST, -1);
        assertArrayEquals(new int[] {1, 5, 1, 3}, p.shape());
        assertArrayEquals(new double[] {-1, 1, 2, -1, 1, 2, -1, 1, 2, -1, 3, 4, -1, 5, 6}, vals(p));
        Tensor q = v.pad(new int[] {0, 0, 1, 1, 0, 1}, PadMode.FIRST, 0);
        assertArrayEquals(new int[] {1, 4, 3, 2}, q.shape());
        assertArrayEquals(new double[] {0, 0, 5, 6, 0, 0}, vals(q.select(1, 3)), "end pad repeats the last frame");
        Tensor crop = v.pad(new int[] {0, 0, 0, 0, -1, 0}, PadMode.FIRST, 0);
        assertArrayEquals(new double[] {3, 4, 5, 6}, vals(crop));
    }

    @Test void whereAndMaskedFillBroadcast() {
        Tensor cond = Tensor.fromBools(new boolean[] {true, false, true}, 3);
        Tensor a = ar(2, 1), b = ar(2, 3).mul(10);
        Tensor w = Tensor.where(cond, a, b);
        assertArrayEquals(new int[] {2, 3}, w.shape());
        assertArrayEquals(new double[] {0, 10, 0, 1, 40, 1}, vals(w));
        Tensor mf = ar(2, 3).maskedFill(Tensor.fromBools(new boolean[] {false, true}, 2, 1), -5);
        assertArrayEquals(new double[] {0, 1, 2, -5, -5, -5}, vals(mf));
        // non-bool condition: nonzero is true
        assertArrayEquals(new double[] {7, 0}, vals(Tensor.where(Tensor.fromArray(new double[] {0.5, 0}), Tensor.fromArray(new double[] {7}), Tensor.fromArray(new double[] {0}))));
        assertThrows(IllegalArgumentException.class, () -> Tensor.where(Tensor.fromBools(new boolean[] {true, false}), ar(3), ar(3)));
        // dtype promotion of the branches
        assertEquals(DType.F32, Tensor.where(cond, Tensor.fromLongs(new long[] {1, 2, 3}), Tensor.fromArray(new float[] {0.5f})).dtype());
    }
}
