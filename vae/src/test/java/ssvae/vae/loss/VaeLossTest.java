package ssvae.vae.loss;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;
import ssvae.vae.disc.GanLosses;
import ssvae.vae.lpips.Lpips;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** GeneralLPIPSWithDiscriminator terms against hand-written formulas on tiny tensors. */
class VaeLossTest {
    static LossConfig cfg(double pw, double discWeight, int discStart, double logvarInit, boolean avgNll, Double lcrWeight, double thresh, String disc) {
        return new LossConfig(discStart, logvarInit, 1.0, discWeight, pw, "hinge", 3, true, Map.of("kl_loss", 5e-4), avgNll, lcrWeight,
                Map.of(0, thresh), disc, 3, 4, 8, 2, false, null, null);
    }

    static float[] rnd(long seed, int n) {
        Random r = new Random(seed);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = (float) (r.nextDouble() * 2 - 1);
        return d;
    }

    @Test void nllSumsOverElementsDividedByBatchPlusWeightedKl() {
        int[] s = {2, 3, 3, 4, 4};
        int n = 2 * 3 * 3 * 16;
        float[] a = rnd(1, n), b = rnd(2, n);
        double lv = 0.3;
        VaeLoss loss = new VaeLoss(cfg(0, 0, 0, lv, false, null, 0, null), null, null);
        Tensor kl = Tensor.scalar(7.25), emkl = Tensor.scalar(0.125);
        Map<String, Tensor> reg = new java.util.LinkedHashMap<>(Map.of("kl_loss", kl, "element_mean_kl_loss", emkl));
        VaeLoss.Result r = loss.generator(Tensor.fromArray(a, s), Tensor.fromArray(b, s), 0, null, null, reg, true, "train");
        double sum = 0, abs = 0;
        for (int i = 0; i < n; i++) { double d = Math.abs(a[i] - b[i]); abs += d; sum += d / Math.exp(lv) + lv; }
        double nll = sum / 2;
        assertEquals(nll, r.log().get("train/loss/nll"), 1e-3);
        assertEquals(nll + 5e-4 * 7.25, r.loss().item(), 1e-3);
        assertEquals(abs / n, r.log().get("train/loss/rec"), 1e-6);
        assertEquals(0.125, r.log().get("train/kl_loss"), 0.0, "kl is reported as element_mean_kl_loss");
        assertEquals(0.0, r.log().get("train/scalars/d_weight"));
        assertEquals(lv, r.log().get("train/scalars/logvar"), 1e-7);
        // average_nll_loss: the element mean instead
        VaeLoss avg = new VaeLoss(cfg(0, 0, 0, lv, true, null, 0, null), null, null);
        VaeLoss.Result ra = avg.generator(Tensor.fromArray(a, s), Tensor.fromArray(b, s), 0, null, null, Map.of("kl_loss", kl), true, "train");
        assertEquals(sum / n, ra.log().get("train/loss/nll"), 1e-5);
        // the learned logvar receives d(nll)/d(logvar) = sum(-rec * exp(-lv) + 1) / B
        r.loss().backward();
        assertEquals((-abs * Math.exp(-lv) + n) / 2, loss.logvar().grad().item(), 1e-2);
    }

    @Test void lcrTermUsesAdaptiveWeightAtTheEncoderLayer() {
        // a 1-parameter "encoder": xrec = x0 * w, avg_localcorr = sigmoid(w)
        double w0 = 0.4, thresh = 0.75, lcrWeight = 0.02;
        Tensor w = Tensor.fromArray(new float[] {(float) w0}, 1).requiresGrad(true);
        int n = 24;
        float[] xv = rnd(3, n), x0v = rnd(4, n);
        int[] s = {1, 3, 2, 2, 2};
        Tensor x = Tensor.fromArray(xv, s), x0 = Tensor.fromArray(x0v, s);
        Tensor xrec = x0.mul(w.reshape(1, 1, 1, 1, 1));
        Tensor avg = w.sigmoid().sum();
        VaeLoss loss = new VaeLoss(cfg(0, 0, 0, 0.0, false, lcrWeight, thresh, null), null, null);
        Map<String, Tensor> reg = new java.util.LinkedHashMap<>(Map.of("kl_loss", Tensor.scalar(0.0), "avg_localcorr", avg));
        VaeLoss.Result r = loss.generator(x, xrec, 0, null, w, reg, true, "train");
        double gNll = 0, nll = 0;
        for (int i = 0; i < n; i++) { double d = xv[i] - x0v[i] * w0; nll += Math.abs(d); gNll += -Math.signum(d) * x0v[i]; }
        double sig = 1 / (1 + Math.exp(-w0));
        double lcr = Math.max(0, thresh - sig), gLcr = -sig * (1 - sig);
        double adaptive = Math.abs(gNll) / (Math.abs(gLcr) + 1e-4);
        double weight = 0.1 * lcrWeight * adaptive;
        assertEquals(weight, r.log().get("train/scalars/lcr_weight"), 1e-4 * weight);
        assertEquals(weight * lcr, r.log().get("train/loss/lcr_loss"), 1e-4 * weight * lcr);
        assertEquals(nll + weight * lcr, r.loss().item(), 1e-3);
        assertEquals(sig, r.log().get("train/avg_localcorr"), 1e-6);
        // above the threshold the term vanishes
        Tensor w2 = Tensor.fromArray(new float[] {3f}, 1).requiresGrad(true);
        Map<String, Tensor> reg2 = new java.util.LinkedHashMap<>(Map.of("kl_loss", Tensor.scalar(0.0), "avg_localcorr", w2.sigmoid().sum()));
        VaeLoss.Result r2 = loss.generator(x, x0.mul(w2.reshape(1, 1, 1, 1, 1)), 0, null, w2, reg2, true, "train");
        assertEquals(0.0, r2.log().get("train/loss/lcr_loss"), 0.0);
    }

    @Test void ganTermStartsAtDiscStartWithTheAdaptiveWeight() {
        LossConfig c = cfg(0, 1.0, 5, 0.0, false, null, 0, LossConfig.IMAGE_VIDEO);
        Discriminator d = Discriminator.build(c, new Generator(1));
        VaeLoss loss = new VaeLoss(c, null, d);
        Tensor w = Tensor.fromArray(new float[] {0.7f}, 1).requiresGrad(true);
        Tensor x = Tensor.fromArray(rnd(5, 3 * 5 * 32 * 32), 1, 3, 5, 32, 32), x0 = Tensor.fromArray(rnd(6, 3 * 5 * 32 * 32), 1, 3, 5, 32, 32);
        Map<String, Tensor> reg = Map.of("kl_loss", Tensor.scalar(0.0));
        VaeLoss.Result before = loss.generator(x, x0.mul(w.reshape(1, 1, 1, 1, 1)), 4, w, null, reg, true, "train");
        assertEquals(0.0, before.log().get("train/scalars/d_weight"));
        assertEquals(0.0, before.log().get("train/loss/g"));
        VaeLoss.Result after = loss.generator(x, x0.mul(w.reshape(1, 1, 1, 1, 1)), 5, w, null, reg, true, "train");
        double dw = after.log().get("train/scalars/d_weight"), g = after.log().get("train/loss/g");
        assertTrue(dw > 0);
        assertEquals(after.log().get("train/loss/nll") + dw * g, after.loss().item(), 1e-3 * Math.max(1, Math.abs(after.loss().item())));
        double gWant;
        try (var ng = GradMode.noGrad()) {
            d.module().eval();
            gWant = GanLosses.generator(d.logits(x0.mul(0.7))).item();
            d.module().train(true);
        }
        // the spectral-norm power iteration moves u, v on every training call; the value stays close
        assertEquals(gWant, g, 0.05 * Math.max(1e-3, Math.abs(gWant)) + 1e-3);
        // discriminator step: hinge on the tuple, averaged
        VaeLoss.Result dl = loss.discriminator(x, x0, 5, true, "train");
        assertTrue(dl.log().containsKey("train/logits/real_video"));
        assertTrue(dl.loss().item() > 0);
        assertNull(loss.discriminator(x, x0, 4, true, "train").loss(), "no discriminator loss before disc_start");
    }

    @Test void perceptualTermIsPerFrameAndBroadcast() {
        Lpips lp = new Lpips(new Generator(9));
        VaeLoss loss = new VaeLoss(cfg(0.5, 0, 0, 0.0, false, null, 0, null), lp, null);
        int t = 2, n = 3 * t * 16 * 16;
        float[] a = rnd(7, n), b = rnd(8, n);
        Tensor x = Tensor.fromArray(a, 1, 3, t, 16, 16), y = Tensor.fromArray(b, 1, 3, t, 16, 16);
        VaeLoss.Result r = loss.generator(x, y, 0, null, null, Map.of("kl_loss", Tensor.scalar(0.0)), true, "train");
        double p0 = lp.distance(x.select(2, 0), y.select(2, 0)).item(), p1 = lp.distance(x.select(2, 1), y.select(2, 1)).item();
        double abs = 0;
        for (int i = 0; i < n; i++) abs += Math.abs(a[i] - b[i]);
        int perFrame = 3 * 16 * 16;
        assertEquals((p0 + p1) / 2, r.log().get("train/loss/percep"), 1e-5);
        assertEquals((abs + 0.5 * perFrame * (p0 + p1)) / n, r.log().get("train/loss/rec"), 1e-5);
        assertEquals(abs + 0.5 * perFrame * (p0 + p1), r.log().get("train/loss/nll"), 1e-2);
    }

    @Test void perceptualWeightWithoutWeightsSaysWhatIsNeeded() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VaeLoss(cfg(1.0, 0, 0, 0, false, null, 0, null), null, null));
        assertTrue(e.getMessage().contains("vgg16-397923af.pth") && e.getMessage().contains("perceptual_weight: 0"), e.getMessage());
        assertEquals(DType.F32, new VaeLoss(cfg(0, 0, 0, 0, false, null, 0, null), null, null).logvar().dtype());
    }

    @Test void readsTheOfficialLossConfigAndRejectsUnknownKeys() throws Exception {
        var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
        String official = """
                target: ssvae.modules.autoencoding.losses.loss_factory.GeneralLPIPSWithDiscriminator
                params:
                  dims: 3
                  perceptual_weight: 1
                  disc_start: 25001
                  disc_weight: 1
                  learn_logvar: True
                  lcr_config: {weight: 0.02, thresh: 0.75}
                  regularization_weights: {kl_loss: 5e-4}
                  discriminator_config:
                    target: ssvae.modules.autoencoding.losses.patchgan.PatchGANImageVideoDisc
                    params: {in_channels: 3, ndf: 64, max_spatial_down: 16, max_temporal_down: 4}
                """;
        LossConfig c = LossConfig.read(yaml.readTree(official), "x.yaml");
        assertEquals(25001, c.discStart());
        assertEquals(5e-4, c.regularizationWeights().get("kl_loss"));
        assertEquals(0.75, c.lcrThreshold(256));
        assertEquals(16, c.maxSpatialDown());
        var ex = assertThrows(IllegalArgumentException.class, () -> LossConfig.read(yaml.readTree(official.replace("dims: 3", "dims: 3\n  dimz: 3")), "x.yaml"));
        assertTrue(ex.getMessage().contains("dimz"), ex.getMessage());
        LossConfig keyed = LossConfig.read(yaml.readTree(official.replace("thresh: 0.75", "thresh: {256: 0.7, 512: 0.8}")), "x.yaml");
        assertEquals(0.8, keyed.lcrThreshold(512));
        assertThrows(IllegalArgumentException.class, () -> keyed.lcrThreshold(128));
    }
}
