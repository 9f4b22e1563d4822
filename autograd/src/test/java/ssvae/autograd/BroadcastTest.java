package ssvae.autograd;

import org.junit.jupiter.api.Test;
import ssvae.kernels.cpu.ScalarMath;
import ssvae.tensor.BinaryOp;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.Ops;
import ssvae.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.*;

/** Broadcasting of every binary op (numpy rules) in F32 and F64, against ScalarMath element by element. */
class BroadcastTest {
    final Generator g = new Generator(51);

    @Test void everyBinaryOpBroadcasts() {
        int[][][] pairs = {{{3, 1, 4}, {2, 4}}, {{1}, {2, 3}}, {{5, 1}, {1, 6}}, {{}, {2, 2}}, {{2, 1, 1, 3}, {4, 1}}};
        for (DType dt : new DType[] {DType.F32, DType.F64}) for (int[][] p : pairs) for (BinaryOp op : BinaryOp.values()) {
            Tensor a = Tensor.randn(g, dt, Device.CPU, p[0]), b = Tensor.randn(g, dt, Device.CPU, p[1]);
            if (op == BinaryOp.POW) a = a.abs();
            Tensor r = Ops.get().binary(op, a, b);
            int[] shape = ssvae.tensor.Shape.broadcast(p[0], p[1]);
            assertArrayEquals(shape, r.shape(), op + " shape");
            assertEquals(op.isComparison() ? DType.BOOL : dt, r.dtype());
            Tensor ae = a.expand(shape).contiguous(), be = b.expand(shape).contiguous();
            double[] av = ae.toDoubleArray(), bv = be.toDoubleArray(), rv = r.toDoubleArray();
            for (int i = 0; i < rv.length; i++) {
                double ref = ScalarMath.binary(op, av[i], bv[i]);
                if (dt == DType.F32) ref = (float) ref;
                assertEquals(ref, rv[i], 0.0, op + " " + dt + " element " + i);
            }
            // the reverse operand order broadcasts the same way
            assertArrayEquals(shape, Ops.get().binary(op, b, a).shape());
        }
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).lt(Tensor.zeros(3, 2)));
    }

    @Test void scalarDivisionIsCorrectlyRounded() {
        float[] v = Tensor.randn(g, 1000).toFloatArray();
        float[] q = Tensor.fromArray(v).div(3).toFloatArray();
        for (int i = 0; i < v.length; i++) assertEquals(v[i] / 3f, q[i], 0f, "x / 3 at " + i);
        float[] m = Tensor.fromArray(v, 10, 100).mean(new int[] {1}, false).toFloatArray();
        float[] s = Tensor.fromArray(v, 10, 100).sum(new int[] {1}, false).toFloatArray();
        for (int i = 0; i < 10; i++) assertEquals(s[i] / 100f, m[i], 0f);
        Tensor w = Tensor.fromArray(new double[] {1, 2}).requiresGrad(true);
        w.div(4).sum().backward();
        assertArrayEquals(new double[] {0.25, 0.25}, w.grad().toDoubleArray(), 0);
        assertEquals(DType.F32, Tensor.fromLongs(new long[] {3}).div(2).dtype());
    }

    @Test void inPlaceOpsBroadcastTheOtherOperand() {
        Tensor x = Tensor.zeros(2, 3);
        x.add_(Tensor.fromArray(new float[] {1, 2, 3}));
        x.mul_(Tensor.fromArray(new float[] {2, -1}, 2, 1));
        assertArrayEquals(new float[] {2, 4, 6, -1, -2, -3}, x.toFloatArray());
        x.copy_(Tensor.fromArray(new double[] {7}));
        assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, x.toFloatArray());
        // an overlapping source is read before it is overwritten
        Tensor o = Tensor.fromArray(new float[] {1, 2, 3, 4});
        o.copy_(o.flip(0));
        assertArrayEquals(new float[] {4, 3, 2, 1}, o.toFloatArray());
        Tensor o2 = Tensor.fromArray(new float[] {1, 2, 3, 4});
        o2.slice(0, 1, 4).copy_(o2.slice(0, 0, 3));
        assertArrayEquals(new float[] {1, 1, 2, 3}, o2.toFloatArray());
        // writes through a strided view land in the base
        Tensor base = Tensor.zeros(3, 4);
        base.t().slice(0, 1, 4, 2).fill_(5);
        assertArrayEquals(new float[] {0, 5, 0, 5, 0, 5, 0, 5, 0, 5, 0, 5}, base.toFloatArray());
    }
}
