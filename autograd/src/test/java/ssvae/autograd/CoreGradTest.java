package ssvae.autograd;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Engine semantics and the gradient rules of the core primitives (views, elementwise, reductions, matmul). */
class CoreGradTest {
    final Generator g = new Generator(7);

    @Test void broadcastArithmetic() {
        Tensor a = GradCheck.leaf(g, 3, 1, 4), b = GradCheck.leaf(g, 5, 4);
        GradCheck.check(in -> in.get(0).mul(in.get(1)).add(in.get(0)).div(in.get(1).square().add(1)).sub(in.get(1)), List.of(a, b));
    }

    @Test void unaryOps() {
        Tensor a = GradCheck.leaf(g, 2, 3, 5);
        GradCheck.check(in -> in.get(0).silu().add(in.get(0).tanh()).add(in.get(0).sigmoid()).add(in.get(0).gelu())
                .add(in.get(0).geluTanh()).add(in.get(0).leakyRelu(0.2)).add(in.get(0).exp()).add(in.get(0).sin()), List.of(a));
        Tensor p = Tensor.rand(g, DType.F64, ssvae.tensor.Device.CPU, 7).add(0.5).detach().requiresGrad(true);
        GradCheck.check(in -> in.get(0).log().add(in.get(0).sqrt()).add(in.get(0).rsqrt()).add(in.get(0).pow(2.5)).add(in.get(0).reciprocal()), List.of(p));
    }

    @Test void stridedAndNonContiguousInputs() {
        Tensor base = GradCheck.leaf(g, 4, 6);
        GradCheck.check(in -> in.get(0).t().slice(0, 1, 6, 2).mul(2).sum(new int[] {1}, true).expand(3, 4), List.of(base));
        GradCheck.check(in -> in.get(0).permute(1, 0).reshape(3, 8).flip(1).narrow(1, 2, 5), List.of(base));
    }

    @Test void reductions() {
        Tensor a = GradCheck.leaf(g, 3, 4, 5);
        GradCheck.check(in -> in.get(0).mean(new int[] {0, 2}, false), List.of(a));
        GradCheck.check(in -> in.get(0).var(new int[] {1}, true, true), List.of(a));
        GradCheck.check(in -> in.get(0).amax(new int[] {2}, false), List.of(a));
        GradCheck.check(in -> in.get(0).norm(2, new int[] {0, 1}, false), List.of(a));
        GradCheck.check(in -> in.get(0).logsumexp(new int[] {1}, false), List.of(a));
    }

    @Test void matmulBroadcast() {
        Tensor a = GradCheck.leaf(g, 2, 3, 4), b = GradCheck.leaf(g, 4, 5), c = GradCheck.leaf(g, 1, 5, 2);
        GradCheck.check(in -> in.get(0).matmul(in.get(1)).matmul(in.get(2)), List.of(a, b, c));
        Tensor v = GradCheck.leaf(g, 4);
        GradCheck.check(in -> in.get(0).matmul(in.get(1)), List.of(a, v));
    }

    @Test void catStackWherePad() {
        Tensor a = GradCheck.leaf(g, 2, 3), b = GradCheck.leaf(g, 2, 2);
        GradCheck.check(in -> Tensor.cat(List.of(in.get(0), in.get(1)), 1).square(), List.of(a, b));
        GradCheck.check(in -> Tensor.where(in.get(0).gt(0), in.get(0), in.get(0).mul(3)), List.of(a));
        GradCheck.check(in -> in.get(0).pad(new int[] {2, 1}, ssvae.tensor.PadMode.REFLECT, 0)
                .pad(new int[] {0, 0, 1, 2}, ssvae.tensor.PadMode.REPLICATE, 0), List.of(a));
    }

    @Test void partialGradDoesNotTouchDotGradAndPrunes() {
        Tensor w = GradCheck.leaf(g, 3), x = GradCheck.leaf(g, 3);
        Tensor loss = w.mul(x).sum();
        Tensor gw = Autograd.grad(loss, w, true);
        assertArrayEquals(x.toDoubleArray(), gw.toDoubleArray(), 1e-12);
        assertNull(w.grad());
        assertNull(x.grad());
        loss.backward();
        assertArrayEquals(w.toDoubleArray(), x.grad().toDoubleArray(), 1e-12);
        assertThrows(IllegalStateException.class, loss::backward, "second backward without retainGraph");
    }

    @Test void noGradAndDetach() {
        Tensor w = GradCheck.leaf(g, 3);
        Tensor y;
        try (var ng = GradMode.noGrad()) { y = w.mul(2); }
        assertFalse(y.requiresGrad());
        assertFalse(w.mul(2).detach().requiresGrad());
        assertTrue(w.mul(2).requiresGrad());
    }

    @Test void gradAccumulatesAcrossBackwardCalls() {
        Tensor w = GradCheck.leaf(g, 2);
        w.mul(3).sum().backward();
        w.mul(3).sum().backward();
        assertArrayEquals(new double[] {6, 6}, w.grad().toDoubleArray(), 1e-12);
    }

    @Test void pytorchSemanticsPinned() {
        // unbiased var of [1,2,3,4] = 1.6667, biased = 1.25
        Tensor t = Tensor.fromArray(new double[] {1, 2, 3, 4});
        assertEquals(5.0 / 3, t.var(true).item(), 1e-12);
        assertEquals(1.25, t.var(false).item(), 1e-12);
        // repeat_interleave order: [1,1,2,2]; repeat: [1,2,1,2]
        Tensor u = Tensor.fromArray(new double[] {1, 2});
        assertArrayEquals(new double[] {1, 1, 2, 2}, u.repeatInterleave(2, 0).toDoubleArray());
        assertArrayEquals(new double[] {1, 2, 1, 2}, u.repeat(2).toDoubleArray());
        // F.pad pads the last dim first: (left=1, right=0) then dim -2 (top=0, bottom=1)
        Tensor m = Tensor.fromArray(new double[] {1, 2, 3, 4}, 2, 2).pad(1, 0, 0, 1);
        assertArrayEquals(new double[] {0, 1, 2, 0, 3, 4, 0, 0, 0}, m.toDoubleArray());
        // reflect: [1,2,3] pad (2,1) -> [3,2,1,2,3,2]
        Tensor r = Tensor.fromArray(new double[] {1, 2, 3}, 1, 3).pad(new int[] {2, 1}, ssvae.tensor.PadMode.REFLECT, 0);
        assertArrayEquals(new double[] {3, 2, 1, 2, 3, 2}, r.toDoubleArray());
    }
}
