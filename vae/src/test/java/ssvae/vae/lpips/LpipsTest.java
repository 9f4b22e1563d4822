package ssvae.vae.lpips;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.io.SafetensorsWriter;
import ssvae.tensor.DType;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** LPIPS structure (official key names), math (against plain loops in float64) and weight-file mapping. */
class LpipsTest {
    static final int[][] CONVS = {{0, 3, 64}, {2, 64, 64}, {5, 64, 128}, {7, 128, 128}, {10, 128, 256}, {12, 256, 256}, {14, 256, 256},
            {17, 256, 512}, {19, 512, 512}, {21, 512, 512}, {24, 512, 512}, {26, 512, 512}, {28, 512, 512}};

    @Test void stateDictKeysAreTheOfficialOnes() {
        Lpips l = new Lpips(new Generator(1));
        List<String> want = new ArrayList<>(List.of("scaling_layer.shift", "scaling_layer.scale"));
        int[] sliceOf = {1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5};
        for (int i = 0; i < CONVS.length; i++) {
            want.add("net.slice" + sliceOf[i] + "." + CONVS[i][0] + ".weight");
            want.add("net.slice" + sliceOf[i] + "." + CONVS[i][0] + ".bias");
        }
        for (int k = 0; k < 5; k++) want.add("lin" + k + ".model.1.weight");
        assertEquals(new java.util.TreeSet<>(want), new java.util.TreeSet<>(l.stateDict().keySet()));
        assertArrayEquals(new int[] {512, 256, 3, 3}, l.stateDict().get("net.slice4.17.weight").shape());
        assertArrayEquals(new int[] {1, 128, 1, 1}, l.stateDict().get("lin1.model.1.weight").shape());
        for (Tensor p : l.parameters()) assertFalse(p.requiresGrad(), "LPIPS is frozen");
    }

    @Test void torchvisionKeysMapToSlices() {
        assertEquals("net.slice1.0.weight", LpipsWeights.vggKey("features.0.weight"));
        assertEquals("net.slice2.7.bias", LpipsWeights.vggKey("features.7.bias"));
        assertEquals("net.slice3.14.weight", LpipsWeights.vggKey("features.14.weight"));
        assertEquals("net.slice5.28.bias", LpipsWeights.vggKey("features.28.bias"));
        assertNull(LpipsWeights.vggKey("classifier.0.weight"));
        assertNull(LpipsWeights.vggKey("features.30.weight"));
    }

    // ---------------------------------------------------------------- reference in plain loops

    static double[] conv3x3(double[] x, int cin, int h, int w, double[] wt, double[] b, int cout) {
        double[] y = new double[cout * h * w];
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++) {
                    double s = b[o];
                    for (int c = 0; c < cin; c++)
                        for (int ki = 0; ki < 3; ki++)
                            for (int kj = 0; kj < 3; kj++) {
                                int ii = i + ki - 1, jj = j + kj - 1;
                                if (ii < 0 || jj < 0 || ii >= h || jj >= w) continue;
                                s += wt[((o * cin + c) * 3 + ki) * 3 + kj] * x[(c * h + ii) * w + jj];
                            }
                    y[(o * h + i) * w + j] = Math.max(0, s);   // every VGG conv is followed by ReLU
                }
        return y;
    }

    static double[] pool(double[] x, int c, int h, int w) {
        double[] y = new double[c * (h / 2) * (w / 2)];
        for (int k = 0; k < c; k++)
            for (int i = 0; i < h / 2; i++)
                for (int j = 0; j < w / 2; j++)
                    y[(k * (h / 2) + i) * (w / 2) + j] = Math.max(Math.max(x[(k * h + 2 * i) * w + 2 * j], x[(k * h + 2 * i) * w + 2 * j + 1]),
                            Math.max(x[(k * h + 2 * i + 1) * w + 2 * j], x[(k * h + 2 * i + 1) * w + 2 * j + 1]));
        return y;
    }

    /** The five feature maps (values, channels, size) of one scaled image [3, s, s]. */
    static List<double[]> feats(double[] img, int s, Map<String, double[]> sd) {
        double[] shift = {-0.030, -0.088, -0.188}, scale = {0.458, 0.448, 0.450};
        double[] x = new double[img.length];
        for (int c = 0; c < 3; c++) for (int i = 0; i < s * s; i++) x[c * s * s + i] = (img[c * s * s + i] - (float) shift[c]) / (float) scale[c];
        List<double[]> out = new ArrayList<>();
        int ci = 0, cin = 3, size = s;
        int[] perSlice = {2, 2, 3, 3, 3};
        String[] slice = {"1", "1", "2", "2", "3", "3", "3", "4", "4", "4", "5", "5", "5"};
        for (int sl = 0; sl < 5; sl++) {
            if (sl > 0) { x = pool(x, cin, size, size); size /= 2; }
            for (int k = 0; k < perSlice[sl]; k++, ci++) {
                String pre = "net.slice" + slice[ci] + "." + CONVS[ci][0];
                x = conv3x3(x, cin, size, size, sd.get(pre + ".weight"), sd.get(pre + ".bias"), CONVS[ci][2]);
                cin = CONVS[ci][2];
            }
            out.add(x);
        }
        return out;
    }

    static double reference(double[] a, double[] b, int s, Map<String, double[]> sd) {
        List<double[]> fa = feats(a, s, sd), fb = feats(b, s, sd);
        int[] ch = {64, 128, 256, 512, 512};
        double total = 0;
        for (int k = 0; k < 5; k++) {
            int c = ch[k], pix = fa.get(k).length / c;
            double[] lin = sd.get("lin" + k + ".model.1.weight");
            double acc = 0;
            for (int p = 0; p < pix; p++) {
                double na = 0, nb = 0;
                for (int q = 0; q < c; q++) { na += Math.pow(fa.get(k)[q * pix + p], 2); nb += Math.pow(fb.get(k)[q * pix + p], 2); }
                na = Math.sqrt(na) + 1e-10; nb = Math.sqrt(nb) + 1e-10;
                double v = 0;
                for (int q = 0; q < c; q++) v += lin[q] * Math.pow(fa.get(k)[q * pix + p] / na - fb.get(k)[q * pix + p] / nb, 2);
                acc += v;
            }
            total += acc / pix;
        }
        return total;
    }

    @Test void distanceMatchesLoopReferenceInFloat64() {
        Lpips l = new Lpips(new Generator(7));
        l.to(DType.F64);
        Map<String, double[]> sd = new LinkedHashMap<>();
        for (var e : l.stateDict().entrySet()) sd.put(e.getKey(), e.getValue().to(DType.F64).contiguous().toDoubleArray());
        // the random 1x1 heads may be negative; use |w| as trained LPIPS heads are non-negative
        for (int k = 0; k < 5; k++) {
            double[] w = sd.get("lin" + k + ".model.1.weight");
            for (int i = 0; i < w.length; i++) w[i] = Math.abs(w[i]);
            l.child("lin" + k).child("model").child("1").param("weight").detach().copy_(Tensor.fromArray(w, 1, w.length, 1, 1));
        }
        int s = 16;
        Random r = new Random(3);
        double[] a = new double[3 * s * s], b = new double[a.length];
        for (int i = 0; i < a.length; i++) { a[i] = r.nextDouble() * 2 - 1; b[i] = Math.max(-1, Math.min(1, a[i] + 0.3 * r.nextGaussian())); }
        Tensor d = l.distance(Tensor.fromArray(a, 1, 3, s, s), Tensor.fromArray(b, 1, 3, s, s));
        assertArrayEquals(new int[] {1, 1, 1, 1}, d.shape());
        double want = reference(a, b, s, sd);
        assertTrue(want > 0);
        assertEquals(want, d.item(), 1e-9 * Math.max(1, Math.abs(want)));
    }

    @Test void loadsTorchvisionAndLpipsFilesAndNamesTheMissingOne(@TempDir Path dir) {
        Lpips src = new Lpips(new Generator(11));
        Map<String, Tensor> vgg = new LinkedHashMap<>(), lin = new LinkedHashMap<>();
        for (var e : src.stateDict().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("net.")) {
                String[] p = k.split("\\.");
                vgg.put("features." + p[2] + "." + p[3], e.getValue());
            } else if (k.startsWith("lin")) lin.put(k, e.getValue());
        }
        vgg.put("classifier.0.weight", Tensor.zeros(4, 4));
        Path vf = dir.resolve("vgg16.safetensors"), lf = dir.resolve("vgg.safetensors");
        SafetensorsWriter.write(vf, vgg);
        SafetensorsWriter.write(lf, lin);
        Lpips dst = new Lpips(new Generator(12));
        LpipsWeights.load(dst, vf, lf);
        for (var e : src.stateDict().entrySet())
            assertArrayEquals(e.getValue().toFloatArray(), dst.stateDict().get(e.getKey()).toFloatArray(), e.getKey());
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> LpipsWeights.load(dst, vf, vf));
        assertTrue(ex.getMessage().contains(vf.toString()) && ex.getMessage().contains("lin0"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> LpipsWeights.load(dst, dir.resolve("absent.pth"), lf));
        assertTrue(ex.getMessage().contains("absent.pth"), ex.getMessage());
    }
}
