package ssvae.nn;

import org.junit.jupiter.api.Test;
import ssvae.autograd.GradCheck;
import ssvae.tensor.DType;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Default initialisation, parameter shapes and forward semantics of the simple layers. */
class LayersTest {
    static void assertUniform(Tensor t, double bound) {
        double[] v = t.toDoubleArray();
        double sum = 0, sq = 0;
        for (double x : v) {
            assertTrue(Math.abs(x) <= bound, "value " + x + " outside +-" + bound);
            sum += x;
            sq += x * x;
        }
        if (v.length < 1000) return; // bounds only for small tensors
        double mean = sum / v.length, std = Math.sqrt(sq / v.length - mean * mean);
        // U(-b, b): mean 0, std b / sqrt(3); loose bounds for a few thousand draws
        assertEquals(0, mean, 0.1 * bound);
        assertEquals(bound / Math.sqrt(3), std, 0.1 * bound);
    }

    @Test void linearDefaultInit() {
        Linear l = new Linear(50, 80, new Generator(1));
        assertArrayEquals(new int[] {80, 50}, l.param("weight").shape());
        assertUniform(l.param("weight"), 1 / Math.sqrt(50)); // kaiming_uniform_(a=sqrt(5)) bound = 1/sqrt(fan_in)
        assertUniform(l.param("bias"), 1 / Math.sqrt(50));
        Linear same = new Linear(50, 80, new Generator(1));
        assertArrayEquals(l.param("weight").toFloatArray(), same.param("weight").toFloatArray(), "seeded");
        assertNull(new Linear(3, 2, false, new Generator(1)).attrOrNull("bias"));
    }

    @Test void linearForwardIsXWtPlusB() {
        Linear l = new Linear(3, 2, new Generator(2));
        Tensor x = Tensor.randn(new Generator(3), 4, 3);
        double[] w = l.param("weight").toDoubleArray(), b = l.param("bias").toDoubleArray(), xv = x.toDoubleArray();
        double[] y = l.forward(x).toDoubleArray();
        for (int n = 0; n < 4; n++)
            for (int o = 0; o < 2; o++) {
                double r = b[o];
                for (int i = 0; i < 3; i++) r += xv[n * 3 + i] * w[o * 3 + i];
                assertEquals(r, y[n * 2 + o], 1e-5);
            }
        var e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(4, 5)));
        assertTrue(e.getMessage().contains("Linear expects last dim 3"));
    }

    @Test void convParameterShapesAndInit() {
        Generator g = new Generator(4);
        Conv2d c = new Conv2d(8, 16, new int[] {3, 5}, new int[] {1, 2}, new int[] {1, 2}, new int[] {1, 1}, 2, true, g);
        assertArrayEquals(new int[] {16, 4, 3, 5}, c.param("weight").shape());
        assertUniform(c.param("weight"), 1 / Math.sqrt(4 * 15)); // fan_in = in/groups * kh * kw
        assertUniform(c.param("bias"), 1 / Math.sqrt(4 * 15));
        assertArrayEquals(new int[] {6, 3, 2, 2, 2}, new Conv3d(3, 6, 2, g).param("weight").shape());
        assertArrayEquals(new int[] {6, 3, 7}, new Conv1d(3, 6, 7, g).param("weight").shape());
        assertEquals(List.of("weight"), List.copyOf(new Conv1d(3, 6, 1, 1, 0, 1, 1, false, g).stateDict().keySet()));
        var e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(6, 4, 3, 1, 1, 1, 4, true, g));
        assertTrue(e.getMessage().contains("groups 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.forward(Tensor.zeros(1, 3, 8, 8)));
        assertTrue(e.getMessage().contains("Conv2d expects input [N, 8"), e.getMessage());
    }

    @Test void normLayersStartAtIdentityAffine() {
        GroupNorm gn = new GroupNorm(4, 8);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, gn.param("weight").toFloatArray());
        assertArrayEquals(new float[8], gn.param("bias").toFloatArray());
        assertTrue(new GroupNorm(2, 4, 1e-6, false).stateDict().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new GroupNorm(3, 8));
        LayerNorm ln = new LayerNorm(2, 3);
        assertArrayEquals(new int[] {2, 3}, ln.param("weight").shape());
        assertEquals(List.of("weight"), List.copyOf(new LayerNorm(new int[] {4}, 1e-5, true, false).stateDict().keySet()));
    }

    @Test void dropoutTrainAndEval() {
        Dropout d = new Dropout(0.25, new Generator(5));
        Tensor x = Tensor.ones(100, 100);
        double[] y = d.forward(x).toDoubleArray();
        int zeros = 0;
        for (double v : y) {
            if (v == 0) zeros++;
            else assertEquals(1 / 0.75, v, 1e-6);
        }
        assertEquals(0.25, zeros / 10000.0, 0.02);
        d.eval();
        assertSame(x, d.forward(x));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
    }

    @Test void activationsAndContainers() {
        Tensor x = Tensor.fromArray(new float[] {-2, 0.5f}, 2);
        assertArrayEquals(new float[] {-0.4f, 0.5f}, new LeakyReLU(0.2).forward(x).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {-0.02f, 0.5f}, new LeakyReLU().forward(x).toFloatArray(), 1e-6f);
        assertArrayEquals(x.silu().toFloatArray(), new SiLU().forward(x).toFloatArray());
        assertSame(x, new Identity().forward(x));
        Sequential s = new Sequential(new LeakyReLU(0.5), new Identity()).add(new LeakyReLU(0.5));
        assertEquals(3, s.size());
        assertArrayEquals(new float[] {-0.5f, 0.5f}, s.forward(x).toFloatArray(), 1e-6f);
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(3));
    }

    @Test void mlpGradientsInF64() {
        Generator g = new Generator(6);
        Sequential m = new Sequential(new Linear(3, 5, g), new SiLU(), new Linear(5, 2, g), new LeakyReLU(0.1));
        m.to(DType.F64);
        Tensor x = GradCheck.leaf(g, 4, 3);
        List<Tensor> in = new java.util.ArrayList<>(List.of(x));
        in.addAll(m.parameters());
        GradCheck.check(t -> m.forward(t.get(0)), in);
    }

    @Test void crossEntropyMatchesFormulaAndGradients() {
        Tensor logits = GradCheck.leaf(new Generator(7), 3, 4);
        Tensor y = Tensor.fromLongs(new long[] {2, 0, 3}, 3);
        double[] l = logits.toDoubleArray();
        long[] t = y.toLongArray();
        double ref = 0;
        for (int n = 0; n < 3; n++) {
            double s = 0;
            for (int c = 0; c < 4; c++) s += Math.exp(l[n * 4 + c]);
            ref += Math.log(s) - l[n * 4 + (int) t[n]];
        }
        assertEquals(ref / 3, new CrossEntropyLoss().forward(logits, y).item(), 1e-12);
        GradCheck.check(in -> CrossEntropyLoss.crossEntropy(in.get(0), y), List.of(logits));
        var e = assertThrows(IllegalArgumentException.class, () -> CrossEntropyLoss.crossEntropy(logits, Tensor.zeros(3)));
        assertTrue(e.getMessage().contains("integer class targets"));
    }

    @Test void poolingAndFlatten() {
        Tensor x = Tensor.arange(0, 32, 1).to(DType.F32).reshape(2, 1, 4, 4);
        Tensor p = new AvgPool2d(2).forward(x);
        assertArrayEquals(new int[] {2, 1, 2, 2}, p.shape());
        assertEquals((0 + 1 + 4 + 5) / 4.0, p.get(0, 0, 0, 0), 1e-6);
        assertArrayEquals(new int[] {2, 4}, new Flatten().forward(p).shape());
    }
}
