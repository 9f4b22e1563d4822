package ssvae.vae.disc;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.F;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/** PatchGAN discriminators: official state-dict keys and shapes, output geometry, a layer-by-layer reference, causality. */
class PatchGanTest {
    static Map<String, List<Integer>> shapes(Map<String, Tensor> sd) {
        Map<String, List<Integer>> m = new TreeMap<>();
        for (var e : sd.entrySet()) m.put(e.getKey(), java.util.Arrays.stream(e.getValue().shape()).boxed().toList());
        return m;
    }

    @Test void imageVideoDiscHasTheOfficialKeysAndShapes() {
        int ndf = 4;
        PatchGanImageVideo d = new PatchGanImageVideo(3, ndf, 8, 4, false, new Generator(1));
        Map<String, List<Integer>> want = new TreeMap<>();
        // PatchGAN2D: spectral_norm(Conv2d) -> weight_orig, weight_u [out], weight_v [in * k * k]
        sn(want, "patchgan_2d.input_layer.0", 3, ndf, new int[] {4, 4}, true);
        sn(want, "patchgan_2d.blocks.0.0", ndf, 2 * ndf, new int[] {4, 4}, false);
        sn(want, "patchgan_2d.blocks.1.0", 2 * ndf, 4 * ndf, new int[] {4, 4}, false);
        sn(want, "patchgan_2d.out_layer.0", 4 * ndf, 8 * ndf, new int[] {4, 4}, false);
        want.put("patchgan_2d.out_layer.2.weight", List.of(1, 8 * ndf, 4, 4));
        want.put("patchgan_2d.out_layer.2.bias", List.of(1));
        // PatchGAN3D (max_temporal_down 4: one causal down block, then Conv2d): CausalConv3d.conv under spectral norm
        sn(want, "patchgan_3d.conv_in.0.conv", 3, ndf, new int[] {3, 3, 3}, true);
        sn(want, "patchgan_3d.down_blocks.0.0.conv", ndf, 2 * ndf, new int[] {3, 3, 3}, false);
        sn(want, "patchgan_3d.down_blocks.1.0", 2 * ndf, 4 * ndf, new int[] {3, 3}, false);
        sn(want, "patchgan_3d.out.0.conv", 4 * ndf, 8 * ndf, new int[] {3, 3, 3}, false);
        sn(want, "patchgan_3d.out.2.conv", 8 * ndf, 1, new int[] {3, 3, 3}, true);
        assertEquals(want, shapes(d.stateDict()));

        Tensor x = Tensor.randn(new Generator(2), 1, 3, 9, 32, 32);
        List<Tensor> l = d.logits(x);
        assertArrayEquals(new int[] {1, 1, 9, 2, 2}, l.get(0).shape());
        assertArrayEquals(new int[] {1, 1, 3, 4, 4}, l.get(1).shape());
        // images (1 frame) go through both
        List<Tensor> li = d.logits(x.narrow(2, 0, 1));
        assertArrayEquals(new int[] {1, 1, 1, 2, 2}, li.get(0).shape());
        assertArrayEquals(new int[] {1, 1, 1, 4, 4}, li.get(1).shape());
    }

    static void sn(Map<String, List<Integer>> m, String pre, int in, int out, int[] k, boolean bias) {
        java.util.ArrayList<Integer> w = new java.util.ArrayList<>(List.of(out, in));
        int v = in;
        for (int kk : k) { w.add(kk); v *= kk; }
        m.put(pre + ".weight_orig", w);
        m.put(pre + ".weight_u", List.of(out));
        m.put(pre + ".weight_v", List.of(v));
        if (bias) m.put(pre + ".bias", List.of(out));
    }

    /** W / (u^T W v) with the stored vectors (eval mode: no power iteration). */
    static Tensor snWeight(Map<String, Tensor> sd, String pre) {
        Tensor w = sd.get(pre + ".weight_orig");
        Tensor mat = w.reshape(w.size(0), -1);
        double sigma = sd.get(pre + ".weight_u").mul(mat.matmul(sd.get(pre + ".weight_v"))).sum().item();
        return w.div(sigma);
    }

    @Test void patchGan2dMatchesLayerByLayerReference() {
        PatchGan2D d = new PatchGan2D(3, 4, 8, false, new Generator(5));
        d.to(DType.F64);
        d.eval();
        Map<String, Tensor> sd = d.stateDict();
        Tensor x = Tensor.randn(new Generator(6), DType.F64, ssvae.tensor.Device.CPU, 2, 3, 3, 32, 32);
        Tensor got;
        try (var ng = GradMode.noGrad()) { got = d.forward(x); }
        Tensor h = x.transpose(1, 2).contiguous().reshape(6, 3, 32, 32);
        h = F.conv2d(h, snWeight(sd, "input_layer.0"), sd.get("input_layer.0.bias"), 2, 1).leakyRelu(0.2);
        h = F.conv2d(h, snWeight(sd, "blocks.0.0"), null, 2, 1).leakyRelu(0.2);
        h = F.conv2d(h, snWeight(sd, "blocks.1.0"), null, 2, 1).leakyRelu(0.2);
        h = F.conv2d(h, snWeight(sd, "out_layer.0"), null, 1, 1).leakyRelu(0.2);
        h = F.conv2d(h, sd.get("out_layer.2.weight"), sd.get("out_layer.2.bias"), 1, 1);
        Tensor want = h.reshape(2, 3, 1, h.size(2), h.size(3)).transpose(1, 2);
        assertArrayEquals(want.shape(), got.shape());
        double[] a = want.contiguous().toDoubleArray(), b = got.contiguous().toDoubleArray();
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-10);
    }

    @Test void patchGan3dIsCausalInTime() {
        PatchGan3D d = new PatchGan3D(3, 4, 8, 2, false, new Generator(8));
        d.eval();
        Tensor x = Tensor.randn(new Generator(9), 1, 3, 9, 16, 16);
        Tensor y0, y1;
        try (var ng = GradMode.noGrad()) {
            y0 = d.forward(x);
            Tensor x2 = Tensor.cat(List.of(x.narrow(2, 0, 8), x.narrow(2, 8, 1).mul(-3.0)), 2);
            y1 = d.forward(x2);
        }
        // 9 frames -> 5 after the one temporal stride; changing frame 8 touches only the last output frame
        assertEquals(5, y0.size(2));
        assertArrayEquals(y0.narrow(2, 0, 4).contiguous().toFloatArray(), y1.narrow(2, 0, 4).contiguous().toFloatArray());
        assertFalse(java.util.Arrays.equals(y0.narrow(2, 4, 1).contiguous().toFloatArray(), y1.narrow(2, 4, 1).contiguous().toFloatArray()));
    }

    @Test void rejectsGeometryTheOfficialForwardCannotRun() {
        assertThrows(IllegalArgumentException.class, () -> new PatchGan3D(3, 4, 8, 8, false, new Generator(1)));
        assertThrows(IllegalArgumentException.class, () -> new PatchGan3D(3, 4, 8, 1, false, new Generator(1)));
        assertThrows(IllegalArgumentException.class, () -> new PatchGan2D(3, 4, 6, false, new Generator(1)));
    }

    @Test void convWeightsStartFromNormal002() {
        PatchGan2D d = new PatchGan2D(3, 16, 8, false, new Generator(3));
        Tensor w = d.stateDict().get("blocks.1.0.weight_orig");
        double sd = w.to(DType.F64).std(true).item();
        assertEquals(0.02, sd, 0.002);
    }
}
