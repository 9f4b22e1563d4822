package ssvae.nn;

import org.junit.jupiter.api.Test;
import ssvae.autograd.GradCheck;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.F;
import ssvae.tensor.Generator;
import ssvae.tensor.PadMode;
import ssvae.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Conv and normalisation layers against the functional ops and the textbook formulas (needs the conv/norm kernels). */
class ConvNormLayersTest {
    final Generator g = new Generator(11);

    Tensor randn(int... shape) { return Tensor.randn(g, DType.F64, Device.CPU, shape); }

    @Test void convLayersCallTheFunctionalOps() {
        Conv1d c1 = new Conv1d(4, 6, 3, 2, 1, 1, 2, true, g);
        c1.to(DType.F64);
        Tensor x1 = randn(2, 4, 9);
        assertArrayEquals(F.conv1d(x1, c1.param("weight"), c1.param("bias"), 2, 1, 1, 2).toDoubleArray(), c1.forward(x1).toDoubleArray(), 0);
        assertArrayEquals(new int[] {2, 6, 5}, c1.forward(x1).shape());

        Conv2d c2 = new Conv2d(3, 4, new int[] {3, 2}, new int[] {1, 2}, new int[] {1, 0}, new int[] {2, 1}, 1, true, g);
        c2.to(DType.F64);
        Tensor x2 = randn(2, 3, 7, 6);
        Tensor y2 = c2.forward(x2);
        assertArrayEquals(F.conv2d(x2, c2.param("weight"), c2.param("bias"), new int[] {1, 2}, new int[] {1, 0}, new int[] {2, 1}, 1).toDoubleArray(),
                y2.toDoubleArray(), 0);
        assertArrayEquals(new int[] {2, 4, (7 + 2 - 2 * 2 - 1) + 1, (6 - 2) / 2 + 1}, y2.shape());

        Conv3d c3 = new Conv3d(2, 3, 3, 1, 1, g);
        c3.to(DType.F64);
        Tensor x3 = randn(1, 2, 3, 4, 5);
        assertArrayEquals(F.conv3d(x3, c3.param("weight"), c3.param("bias"), 1, 1).toDoubleArray(), c3.forward(x3).toDoubleArray(), 0);
    }

    @Test void paddingModesPadFirst() {
        Conv2d c = new Conv2d(2, 3, 3, 1, 1, g);
        c.to(DType.F64);
        Tensor x = randn(1, 2, 5, 4);
        for (PadMode m : new PadMode[] {PadMode.REFLECT, PadMode.REPLICATE, PadMode.CIRCULAR}) {
            c.paddingMode(m);
            Tensor ref = F.conv2d(x.pad(new int[] {1, 1, 1, 1}, m, 0), c.param("weight"), c.param("bias"), 1, 0);
            assertArrayEquals(ref.toDoubleArray(), c.forward(x).toDoubleArray(), 0, m.toString());
        }
    }

    @Test void convLayerGradients() {
        Conv2d c = new Conv2d(2, 2, 3, 2, 1, g);
        c.to(DType.F64);
        Tensor x = GradCheck.leaf(g, 1, 2, 5, 5);
        GradCheck.check(in -> c.forward(in.get(0)), List.of(x, c.param("weight"), c.param("bias")));
    }

    @Test void groupNormMatchesFormula() {
        GroupNorm gn = new GroupNorm(2, 4, 1e-5, true);
        gn.to(DType.F64);
        Tensor w = Tensor.fromArray(new double[] {1, 2, 3, 4}, 4), b = Tensor.fromArray(new double[] {0, -1, 0.5, 2}, 4);
        gn.loadStateDict(java.util.Map.of("weight", w, "bias", b));
        Tensor x = randn(2, 4, 3, 3);
        double[] xv = x.toDoubleArray(), y = gn.forward(x).toDoubleArray();
        int per = 2 * 9;
        for (int n = 0; n < 2; n++)
            for (int grp = 0; grp < 2; grp++) {
                int o = n * 36 + grp * per;
                double mean = 0, var = 0;
                for (int i = 0; i < per; i++) mean += xv[o + i];
                mean /= per;
                for (int i = 0; i < per; i++) var += (xv[o + i] - mean) * (xv[o + i] - mean);
                var /= per;
                for (int i = 0; i < per; i++) {
                    int ch = grp * 2 + i / 9;
                    double ref = (xv[o + i] - mean) / Math.sqrt(var + 1e-5) * (ch + 1) + b.toDoubleArray()[ch];
                    assertEquals(ref, y[o + i], 1e-10);
                }
            }
        List<Tensor> in = new ArrayList<>(List.of(GradCheck.leaf(g, 2, 4, 2, 2)));
        in.addAll(gn.parameters());
        GradCheck.check(t -> gn.forward(t.get(0)), in);
    }

    @Test void layerNormMatchesFormula() {
        LayerNorm ln = new LayerNorm(new int[] {3}, 1e-6, true, true);
        ln.to(DType.F64);
        Tensor x = randn(4, 3);
        double[] xv = x.toDoubleArray(), y = ln.forward(x).toDoubleArray();
        for (int r = 0; r < 4; r++) {
            double m = (xv[3 * r] + xv[3 * r + 1] + xv[3 * r + 2]) / 3, v = 0;
            for (int i = 0; i < 3; i++) v += (xv[3 * r + i] - m) * (xv[3 * r + i] - m) / 3;
            for (int i = 0; i < 3; i++) assertEquals((xv[3 * r + i] - m) / Math.sqrt(v + 1e-6), y[3 * r + i], 1e-10);
        }
    }

    @Test void spectralNormConvForward() {
        Conv2d c = SpectralNorm.apply(new Conv2d(2, 3, 3, 1, 1, g), g);
        c.to(DType.F64);
        Tensor x = randn(1, 2, 4, 4);
        Tensor y = c.forward(x); // training: one power iteration
        c.eval();                // eval: u, v stay, so the weight seen here is the one forward uses
        Tensor w = c.attr("weight");
        assertArrayEquals(F.conv2d(x, w, c.param("bias"), 1, 1).toDoubleArray(), c.forward(x).toDoubleArray(), 1e-12);
        assertArrayEquals(new int[] {1, 3, 4, 4}, y.shape());
    }
}
