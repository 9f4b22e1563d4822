package ssvae.autograd;

import org.junit.jupiter.api.Test;
import ssvae.nn.Dropout;
import ssvae.nn.Linear;
import ssvae.nn.Module;
import ssvae.nn.Sequential;
import ssvae.nn.SiLU;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Gradient checkpointing gives the gradients of the plain graph, for inputs and parameters, with dropout. */
class CheckpointTest {
    final Generator dropGen = new Generator(77);

    Sequential model() {
        Generator g = new Generator(5);
        Sequential m = new Sequential(new Linear(4, 8, g), new SiLU(), new Dropout(0.3, dropGen), new Linear(8, 3, g));
        m.to(DType.F64);
        return m;
    }

    static List<double[]> grads(List<Tensor> ts) {
        List<double[]> out = new ArrayList<>();
        for (Tensor t : ts) out.add(t.grad() == null ? null : t.grad().toDoubleArray());
        return out;
    }

    static void assertSameGrads(List<double[]> a, List<double[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertNotNull(a.get(i), "gradient " + i);
            assertArrayEquals(a.get(i), b.get(i), 1e-12, "gradient " + i);
        }
    }

    @Test void moduleCheckpointMatchesPlainBackwardWithDropout() {
        Sequential m = model();
        Tensor x = Tensor.randn(new Generator(1), DType.F64, Device.CPU, 6, 4).requiresGrad(true);
        List<Tensor> all = new ArrayList<>(m.parameters());
        all.add(x);

        dropGen.setState(77, 0);
        m.forward(x).tanh().sum().backward();
        List<double[]> plain = grads(all);
        long plainOffset = dropGen.offset();
        for (Tensor t : all) t.setGrad(null);

        dropGen.setState(77, 0);
        Tensor y = Module.checkpoint(m, x, dropGen);
        assertEquals("CheckpointBackward", y.gradFn().name());
        dropGen.nextLong(); // draws after the checkpointed forward must not be disturbed by the recomputation
        long before = dropGen.offset();
        y.tanh().sum().backward();
        assertEquals(before, dropGen.offset(), "generator state put back after recomputation");
        assertEquals(plainOffset, before - 1);
        assertSameGrads(plain, grads(all));
    }

    @Test void unlistedParametersAccumulateLikeReentrantCheckpoint() {
        Generator g = new Generator(6);
        Linear a = new Linear(3, 3, g), b = new Linear(3, 2, g);
        a.to(DType.F64);
        b.to(DType.F64);
        Tensor x = Tensor.randn(g, DType.F64, Device.CPU, 4, 3).requiresGrad(true);
        List<Tensor> all = new ArrayList<>(a.parameters());
        all.addAll(b.parameters());
        all.add(x);
        b.forward(a.forward(x).silu()).square().sum().backward();
        List<double[]> plain = grads(all);
        for (Tensor t : all) t.setGrad(null);
        Tensor h = Checkpoint.apply(in -> a.forward(in.get(0)).silu(), List.of(x));
        b.forward(h).square().sum().backward();
        assertSameGrads(plain, grads(all));
    }

    @Test void listedParametersGetGradientsWhenTheInputNeedsNone() {
        Sequential m = model();
        m.eval();
        Tensor x = Tensor.randn(new Generator(2), DType.F64, Device.CPU, 5, 4); // no grad
        m.forward(x).sum().backward();
        List<double[]> plain = grads(m.parameters());
        m.zeroGrad();
        Module.checkpoint(m, x).sum().backward();
        assertSameGrads(plain, grads(m.parameters()));
    }

    @Test void partialGradThroughCheckpointLeavesGradUntouched() {
        Sequential m = model();
        m.eval();
        Tensor x = Tensor.randn(new Generator(3), DType.F64, Device.CPU, 5, 4).requiresGrad(true);
        Tensor w = m.parameters().get(0);
        Tensor ref = Autograd.grad(m.forward(x).square().mean(), w, false);
        Tensor got = Autograd.grad(Module.checkpoint(m, x).square().mean(), w, false);
        assertArrayEquals(ref.toDoubleArray(), got.toDoubleArray(), 1e-12);
        for (Tensor p : m.parameters()) assertNull(p.grad());
        assertNull(x.grad());
    }

    @Test void checkpointInsideGradCheck() {
        Sequential m = model();
        m.eval();
        Tensor x = GradCheck.leaf(new Generator(4), 2, 4);
        List<Tensor> in = new ArrayList<>(List.of(x));
        in.add(m.parameters().get(2));
        GradCheck.check(t -> Module.checkpoint(m, t.get(0)).sin(), in);
    }

    @Test void noGradModeReturnsPlainOutput() {
        Sequential m = model();
        Tensor x = Tensor.randn(new Generator(3), DType.F64, Device.CPU, 2, 4).requiresGrad(true);
        try (var ng = ssvae.tensor.GradMode.noGrad()) {
            Tensor y = Module.checkpoint(m, x);
            assertNull(y.gradFn());
            assertFalse(y.requiresGrad());
        }
    }

    @Test void parametersListedTwiceCountOnce() {
        Sequential m = model();
        m.eval();
        Tensor x = Tensor.randn(new Generator(9), DType.F64, Device.CPU, 3, 4);
        m.forward(x).sum().backward();
        List<double[]> plain = grads(m.parameters());
        m.zeroGrad();
        List<Tensor> twice = new ArrayList<>(m.parameters());
        twice.addAll(m.parameters());
        Checkpoint.apply(in -> m.forward(in.get(0)), List.of(x), twice, null).sum().backward();
        assertSameGrads(plain, grads(m.parameters()));
    }
}
