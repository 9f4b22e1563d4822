package ssvae.autograd;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Reverse-mode engine semantics, pinned to PyTorch's behaviour. */
class EngineTest {
    final Generator g = new Generator(41);

    /** Identity op whose backward increments counter[0]: shows which nodes the engine executes. */
    static Tensor counted(Tensor x, int[] counter) {
        Tensor out;
        try (var ng = GradMode.noGrad()) { out = x.clone(); }
        return AutogradOps.record("CountBackward", out, (gr, n) -> { counter[0]++; return new Tensor[] {gr}; }, x);
    }

    static Tensor vec(double... v) { return Tensor.fromArray(v).requiresGrad(true); }

    @Test void secondBackwardWithoutRetainGraphFailsClearly() {
        Tensor w = vec(1, 2, 3);
        Tensor loss = w.mul(w).sum();
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("second time") && e.getMessage().contains("retainGraph"), e.getMessage());
    }

    @Test void retainGraphAllowsRepeatedBackwardAndGradsAccumulate() {
        Tensor w = vec(1, 2, 3);
        Tensor loss = w.mul(w).sum();
        loss.backward(null, true);
        assertArrayEquals(new double[] {2, 4, 6}, w.grad().toDoubleArray(), 0);
        loss.backward(null, true);
        assertArrayEquals(new double[] {4, 8, 12}, w.grad().toDoubleArray(), 0, "gradients accumulate in .grad");
        loss.backward();
        assertArrayEquals(new double[] {6, 12, 18}, w.grad().toDoubleArray(), 0);
        assertThrows(IllegalStateException.class, loss::backward);
    }

    @Test void retainGradOnNonLeaf() {
        Tensor w = vec(1, 2);
        Tensor h = w.mul(3).retainGrad();
        Tensor k = h.exp();
        k.sum().backward();
        assertArrayEquals(new double[] {Math.exp(3), Math.exp(6)}, h.grad().toDoubleArray(), 1e-9);
        assertNull(k.grad(), "non-leaves without retainGrad keep no .grad");
        assertArrayEquals(new double[] {3 * Math.exp(3), 3 * Math.exp(6)}, w.grad().toDoubleArray(), 1e-9);
    }

    @Test void partialGradRunsOnlyTheNeededSubgraphAndLeavesDotGradAlone() {
        Tensor w1 = vec(1, 2), w2 = vec(3, 4);
        int[] c1 = {0}, c2 = {0}, c3 = {0};
        Tensor a = counted(w1, c1).mul(2);
        Tensor b = counted(w2, c2).mul(3);
        Tensor loss = a.sum().add(counted(b, c3).sum());
        Tensor gw1 = Autograd.grad(loss, w1, true);
        assertArrayEquals(new double[] {2, 2}, gw1.toDoubleArray(), 0);
        assertEquals(1, c1[0]);
        assertEquals(0, c2[0], "the branch of w2 is not executed");
        assertEquals(0, c3[0]);
        assertNull(w1.grad());
        assertNull(w2.grad());
        // gradient w.r.t. a non-leaf: nothing upstream of it runs, not even its own node
        int[] c4 = {0};
        Tensor h = counted(w1, c4);
        Tensor l2 = h.square().sum();
        Tensor gh = Autograd.grad(l2, h, false);
        assertArrayEquals(new double[] {2, 4}, gh.toDoubleArray(), 0);
        assertEquals(0, c4[0]);
        // several inputs, unused input
        Tensor w3 = vec(5);
        List<Tensor> gs = Autograd.grad(List.of(loss), List.of(w1, w2, w3), null, true, true);
        assertArrayEquals(new double[] {3, 3}, gs.get(1).toDoubleArray(), 0);
        assertNull(gs.get(2));
        assertThrows(IllegalStateException.class, () -> Autograd.grad(List.of(loss), List.of(w3), null, true, false));
        assertEquals(2, c1[0]);
        assertEquals(1, c2[0]);
        // full backward still works afterwards (graph retained) and runs everything once
        loss.backward();
        assertEquals(3, c1[0]);
        assertEquals(2, c2[0]);
        assertEquals(2, c3[0]);
        assertArrayEquals(new double[] {2, 2}, w1.grad().toDoubleArray(), 0);
    }

    @Test void noGradDetachAndFrozenLeaves() {
        Tensor w = vec(1, 2);
        Tensor y;
        try (var ng = GradMode.noGrad()) {
            y = w.mul(2);
            try (var eg = GradMode.enableGrad()) { assertTrue(w.mul(2).requiresGrad(), "enableGrad inside noGrad"); }
            assertFalse(w.mul(2).requiresGrad());
        }
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
        assertTrue(GradMode.isEnabled());
        Tensor d = w.mul(2).detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.isLeaf());
        Tensor dw = w.detach();
        assertSame(w.storage(), dw.storage(), "detach shares storage");
        // frozen leaf
        Tensor frozen = vec(5, 6).requiresGrad(false), x = vec(1, 1);
        frozen.mul(x).sum().backward();
        assertNull(frozen.grad());
        assertArrayEquals(new double[] {5, 6}, x.grad().toDoubleArray(), 0);
        Tensor both = vec(1).requiresGrad(false);
        assertFalse(both.mul(3).requiresGrad());
        assertThrows(IllegalStateException.class, () -> both.mul(3).sum().backward(), "no graph to differentiate");
        assertThrows(IllegalStateException.class, () -> w.mul(2).requiresGrad(false), "only leaves can be frozen");
        assertThrows(IllegalArgumentException.class, () -> Tensor.fromLongs(new long[] {1}).requiresGrad(true));
    }

    @Test void inPlaceOnLeafRequiringGradFailsInGradMode() {
        Tensor w = vec(1, 2);
        assertThrows(IllegalStateException.class, () -> w.add_(Tensor.fromArray(new double[] {1, 1})));
        assertThrows(IllegalStateException.class, () -> w.mul_(2));
        assertThrows(IllegalStateException.class, () -> w.fill_(0));
        Tensor h = w.mul(3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.mul_(2), "a graph tensor: the write would not be recorded");
        assertTrue(e.getMessage().contains("MulBackward") || e.getMessage().contains("AFFINEBackward"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> w.t().fill_(1), "a view of a leaf that requires grad");
        h.detach().mul_(2); // detached: allowed, as torch
        try (var ng = GradMode.noGrad()) { w.mul_(2); }
        assertArrayEquals(new double[] {2, 4}, w.toDoubleArray(), 0);
        Tensor plain = Tensor.fromArray(new double[] {1, 2});
        plain.add_(Tensor.fromArray(new double[] {10}), 2);
        assertArrayEquals(new double[] {21, 22}, plain.toDoubleArray(), 0);
    }

    @Test void diamondSumsGradients() {
        Tensor x = vec(0.3, -0.7);
        int[] c = {0};
        Tensor h = counted(x.exp(), c);
        Tensor y = h.sin().add(h.cos()).add(h.mul(h));
        y.sum().backward();
        double[] xv = {0.3, -0.7};
        for (int i = 0; i < 2; i++) {
            double hv = Math.exp(xv[i]);
            assertEquals((Math.cos(hv) - Math.sin(hv) + 2 * hv) * hv, x.grad().toDoubleArray()[i], 1e-12);
        }
        assertEquals(1, c[0], "the shared node runs once, after all its consumers");
    }

    @Test void nonScalarRootNeedsAGradient() {
        Tensor w = vec(1, 2);
        Tensor y = w.mul(3);
        assertThrows(IllegalStateException.class, y::backward);
        assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.fromArray(new double[] {1, 1, 1})));
        y.backward(Tensor.fromArray(new double[] {1, -1}));
        assertArrayEquals(new double[] {3, -3}, w.grad().toDoubleArray(), 0);
        // several roots at once
        Tensor v = vec(2);
        Autograd.backward(List.of(v.mul(2).sum(), v.mul(5).sum()), null, false);
        assertArrayEquals(new double[] {7}, v.grad().toDoubleArray(), 0);
    }

    @Test void deepChainDoesNotOverflowTheStack() {
        Tensor w = vec(1.0);
        Tensor y = w;
        for (int i = 0; i < 10000; i++) y = y.mul(1.0001).add(0.0);
        y.sum().backward();
        assertEquals(Math.pow(1.0001, 10000), w.grad().item(), 1e-9);
        Tensor u = vec(2.0);
        Tensor z = u;
        for (int i = 0; i < 10000; i++) z = z.add(u.mul(0));
        assertEquals(1.0, Autograd.grad(z.sum(), u, false).item(), 0);
    }

    @Test void gradOfF32LeafIsF32() {
        Tensor w = Tensor.randn(g, 3).requiresGrad(true);
        w.square().sum().backward();
        assertEquals(DType.F32, w.grad().dtype());
        assertArrayEquals(w.mul(2).detach().toFloatArray(), w.grad().toFloatArray(), 0f);
    }
}
