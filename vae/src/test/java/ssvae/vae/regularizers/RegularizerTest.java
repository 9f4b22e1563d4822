package ssvae.vae.regularizers;

import org.junit.jupiter.api.Test;
import ssvae.autograd.GradCheck;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** KL, LCR (against a loop reference of windowed_localcorr_z with the regulariser's normalisation) and LMR. */
class RegularizerTest {
    static double[] rnd(long seed, int n) {
        Random r = new Random(seed);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = r.nextGaussian();
        return d;
    }

    /** Loop reference: per-channel normalisation (unbiased std + 1e-6), Pearson over window pairs. */
    static double[] refLcr(double[] z, int B, int D, int F, int H, int W, int[] win, String weight) {
        double[] zn = new double[z.length];
        int per = F * H * W;
        for (int c = 0; c < D; c++) {
            double s = 0; int n = 0;
            for (int b = 0; b < B; b++) for (int i = 0; i < per; i++) { s += z[(b * D + c) * per + i]; n++; }
            double m = s / n, v = 0;
            for (int b = 0; b < B; b++) for (int i = 0; i < per; i++) v += Math.pow(z[(b * D + c) * per + i] - m, 2);
            double sd = Math.sqrt(v / (n - 1));
            for (int b = 0; b < B; b++) for (int i = 0; i < per; i++) zn[(b * D + c) * per + i] = (z[(b * D + c) * per + i] - m) / (sd + 1e-6);
        }
        double img = win(zn, B, D, F, H, W, 0, 1, win[1], win[2]);
        if (F == 1) return new double[] {img, Double.NaN, img};
        double vid = win(zn, B, D, F, H, W, 1, win[0], win[1], win[2]);
        int tw = win[0];
        double avg = switch (weight) {
            case "average" -> (img + vid) / 2;
            case "frame_weight" -> (img + (F - 1) * vid) / F;
            default -> (img + (F - 1.0) / tw * vid) / (1 + (F - 1.0) / tw);
        };
        return new double[] {img, vid, avg};
    }

    static double win(double[] z, int B, int D, int F, int H, int W, int t0, int tw, int hw, int ww) {
        double sum = 0; long cnt = 0;
        for (int b = 0; b < B; b++) for (int ft = t0; ft + tw <= (t0 == 0 ? 1 : F); ft += tw) for (int h0 = 0; h0 < H; h0 += hw) for (int w0 = 0; w0 < W; w0 += ww) {
            int n = tw * hw * ww;
            double[][] v = new double[n][D];
            int k = 0;
            for (int a = 0; a < tw; a++) for (int c = 0; c < hw; c++) for (int e = 0; e < ww; e++) {
                double m = 0, nn = 0;
                for (int d = 0; d < D; d++) m += z[(((b * D + d) * F + ft + a) * H + h0 + c) * W + w0 + e];
                m /= D;
                for (int d = 0; d < D; d++) { v[k][d] = z[(((b * D + d) * F + ft + a) * H + h0 + c) * W + w0 + e] - m; nn += v[k][d] * v[k][d]; }
                nn = Math.sqrt(nn) + 1e-8;
                for (int d = 0; d < D; d++) v[k][d] /= nn;
                k++;
            }
            for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) {
                double dot = 0;
                for (int d = 0; d < D; d++) dot += v[i][d] * v[j][d];
                sum += dot; cnt++;
            }
        }
        return sum / cnt;
    }

    @Test
    void lcrMatchesLoopReference() {
        int B = 2, D = 6, F = 5, H = 4, W = 6;
        double[] d = rnd(5, B * D * F * H * W);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) { f[i] = (float) d[i]; d[i] = f[i]; }
        Tensor z = Tensor.fromArray(f, B, D, F, H, W);
        for (String wt : List.of("average", "frame_weight", "window_weight")) {
            var cfg = new GaussianRegularizer.LcrConfig(new int[] {2, 2, 3}, LocalCorrelation.parseWeight(wt), true);
            LocalCorrelation.Result r = GaussianRegularizer.localCorrelation(z, cfg);
            double[] ref = refLcr(d, B, D, F, H, W, new int[] {2, 2, 3}, wt);
            assertEquals(ref[0], r.image().item(), 1e-4 * Math.abs(ref[0]) + 1e-7, wt + " image");
            assertEquals(ref[1], r.video().item(), 1e-4 * Math.abs(ref[1]) + 1e-7, wt + " video");
            assertEquals(ref[2], r.avg().item(), 1e-4 * Math.abs(ref[2]) + 1e-7, wt + " avg");
        }
        // an image: no video term, avg = image
        Tensor img = z.narrow(2, 0, 1).contiguous();
        LocalCorrelation.Result ri = GaussianRegularizer.localCorrelation(img, new GaussianRegularizer.LcrConfig(new int[] {2, 2, 2}, new LocalCorrelation.Average(), true));
        assertNull(ri.video());
        double[] refI = refLcr(img.toDoubleArray(), B, D, 1, H, W, new int[] {2, 2, 2}, "average");
        assertEquals(refI[0], ri.avg().item(), 1e-4 * Math.abs(refI[0]) + 1e-7);
        // explicit [a, b] weights and renorm = False
        Tensor z64 = z.to(DType.F64);
        LocalCorrelation.Result rx = LocalCorrelation.compute(z64, new int[] {2, 2, 2}, LocalCorrelation.parseWeight(List.of(0.3, 0.7)), true);
        assertEquals(0.3 * rx.image().item() + 0.7 * rx.video().item(), rx.avg().item(), 1e-12);
        LocalCorrelation.Result nr = LocalCorrelation.compute(z64, new int[] {2, 2, 2}, new LocalCorrelation.Average(), false);
        assertTrue(Double.isFinite(nr.avg().item()));
    }

    @Test
    void lcrIsDifferentiable() {
        // the windowed correlation itself; the regulariser's per-channel statistics are detached as in the official code
        Generator g = new Generator(7);
        Tensor z = GradCheck.leaf(g, 2, 3, 3, 2, 2);
        GradCheck.check(in -> LocalCorrelation.compute(in.get(0), new int[] {2, 2, 2}, new LocalCorrelation.FrameWeight(), true).avg(), List.of(z));
        Tensor z2 = GradCheck.leaf(g, 1, 4, 3, 2, 4);
        GradCheck.check(in -> LocalCorrelation.compute(in.get(0), new int[] {2, 2, 2}, new LocalCorrelation.Average(), false).avg(), List.of(z2));
        // through the regulariser: gradient = d corr(z_n) / d z_n / (std + 1e-6) with the statistics held fixed
        Tensor z3 = GradCheck.leaf(g, 2, 3, 3, 2, 2);
        var cfg = new GaussianRegularizer.LcrConfig(new int[] {2, 2, 2}, new LocalCorrelation.WindowWeight(), true);
        GaussianRegularizer.localCorrelation(z3, cfg).avg().backward();
        Tensor std = z3.detach().std(new int[] {0, 2, 3, 4}, true, true).add(1e-6);
        Tensor zn = z3.detach().sub(z3.detach().mean(new int[] {0, 2, 3, 4}, true)).div(std).requiresGrad(true);
        LocalCorrelation.compute(zn, new int[] {2, 2, 2}, new LocalCorrelation.WindowWeight(), true).avg().backward();
        assertArrayEquals(zn.grad().div(std).contiguous().toDoubleArray(), z3.grad().contiguous().toDoubleArray(), 1e-12);
    }

    @Test
    void klAndRegularizerLog() {
        int B = 2, Z = 3, T = 2, H = 2, W = 2;
        double[] m = rnd(9, B * 2 * Z * T * H * W);
        m[Z * T * H * W] = 40;   // a logvar above the clamp
        Tensor moments = Tensor.fromArray(m, B, 2 * Z, T, H, W);
        double ref = 0;
        int per = T * H * W;
        for (int b = 0; b < B; b++) for (int c = 0; c < Z; c++) for (int i = 0; i < per; i++) {
            double mu = m[(b * 2 * Z + c) * per + i], lv = Math.max(-30, Math.min(20, m[(b * 2 * Z + Z + c) * per + i]));
            ref += 0.5 * (mu * mu + Math.exp(lv) - 1 - lv);
        }
        ref /= B;
        GaussianRegularizer reg = new GaussianRegularizer(false, false, true, new GaussianRegularizer.LcrConfig(new int[] {1, 2, 2}, new LocalCorrelation.Average(), true));
        GaussianRegularizer.Output out = reg.forward(moments, null);
        Map<String, Tensor> log = out.log();
        assertEquals(ref, log.get("kl_loss").item(), 1e-9 * Math.abs(ref));
        assertEquals(ref / (Z * per), log.get("element_mean_kl_loss").item(), 1e-9);
        assertTrue(log.containsKey("image_localcorr") && log.containsKey("video_localcorr") && log.containsKey("avg_localcorr"));
        assertArrayEquals(moments.chunk(2, 1).get(0).contiguous().toDoubleArray(), out.z().contiguous().toDoubleArray());
        // sampling is seeded: same seed, same z; mean + std * eps
        GaussianRegularizer s = new GaussianRegularizer(true, false, false, null);
        Tensor z1 = s.forward(moments, new Generator(3)).z(), z2 = s.forward(moments, new Generator(3)).z();
        assertArrayEquals(z1.toDoubleArray(), z2.toDoubleArray());
        Tensor eps = Tensor.randn(new Generator(3), DType.F64, Device.CPU, B, Z, T, H, W);
        DiagonalGaussian post = new DiagonalGaussian(moments, false);
        assertArrayEquals(post.mean().add(post.std().mul(eps)).contiguous().toDoubleArray(), z1.contiguous().toDoubleArray(), 1e-12);
        // average_kl_loss: mean instead of sum
        double avg = new DiagonalGaussian(moments, true).kl().sum().item() / B;
        assertEquals(ref / (Z * per), avg, 1e-9);
    }

    @Test
    void lmrBlocksRatiosAndSeeds() {
        LatentMasking lmr = LatentMasking.defaults();
        // frequencies of the drawn ratios follow mask_probs[256]
        Generator g = new Generator(1);
        int[] counts = new int[4];
        double[] ratios = {0, 0.25, 0.5, 0.75};
        for (int i = 0; i < 4000; i++) {
            double r = lmr.draw(3, 16, 16, 256, g).ratio();
            for (int k = 0; k < 4; k++) if (r == ratios[k]) counts[k]++;
        }
        assertEquals(0.7, counts[0] / 4000.0, 0.03);
        assertEquals(0.1, counts[3] / 4000.0, 0.02);
        // masked count and block structure at 512 (blocks 2x2x2)
        Generator g2 = new Generator(5);
        for (int i = 0; i < 50; i++) {
            LatentMasking.Draw d = lmr.draw(4, 32, 32, 512, g2);
            if (d.mask() == null) { assertEquals(0.0, d.ratio()); continue; }
            int masked = 0;
            for (boolean b : d.mask()) if (b) masked++;
            int blocks = Math.max(1, (int) Math.floor(4 * 32 * 32 * d.ratio() / 8));
            assertEquals(blocks * 8, masked);
            for (int t = 0; t < 4; t += 2) for (int h = 0; h < 32; h += 2) for (int w = 0; w < 32; w += 2) {
                boolean v = d.mask()[(t * 32 + h) * 32 + w];
                for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) for (int c = 0; c < 2; c++)
                    assertEquals(v, d.mask()[((t + a) * 32 + h + b) * 32 + w + c]);
            }
        }
        // apply: masked positions take the token, others keep z; same seed, same mask
        Tensor z = Tensor.randn(new Generator(2), 2, 3, 2, 4, 4);
        Tensor tok = Tensor.fromArray(new float[] {7, 8, 9}, 1, 3, 1, 1, 1);
        LatentMasking always = new LatentMasking(List.of(0.0, 0.5), Map.of(64, new double[] {0, 1}), Map.of(64, new int[] {1, 2, 2}));
        Tensor a = always.apply(z, tok, 16, new Generator(4)), b = always.apply(z, tok, 16, new Generator(4));
        assertArrayEquals(a.toFloatArray(), b.toFloatArray());
        float[] av = a.toFloatArray(), zv = z.toFloatArray();
        int tokens = 0;
        for (int i = 0; i < av.length; i++) {
            int c = (i / 32) % 3;
            if (av[i] != zv[i]) { assertEquals(7 + c, av[i]); tokens++; }
        }
        assertEquals(2 * 3 * 16, tokens);   // half of 2*4*4 positions, all channels, both batch items
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lmr.draw(1, 4, 4, 64, new Generator(0)));
        assertTrue(e.getMessage().contains("64"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LatentMasking(List.of(0.0, 0.5), Map.of(1, new double[] {0.3, 0.3}), Map.of()));
    }
}
