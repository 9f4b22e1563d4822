package ssvae.vae.loss;

import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;
import ssvae.vae.disc.GanLosses;
import ssvae.vae.lpips.Lpips;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * loss_factory.GeneralLPIPSWithDiscriminator.forward. Generator (optimizer_idx 0):
 * rec = |x - xrec| + perceptual_weight * LPIPS per frame (broadcast over channels and pixels); nll = rec / exp(logvar)
 * + logvar summed over all elements and divided by the batch (or averaged with average_nll_loss); from disc_start on
 * (disc_weight > 0) g = -mean(logits_fake) (averaged over the image and video discriminators) weighted by
 * disc_weight * adaptive(nll, g, decoder last layer, max 1e4) * disc_factor; with lcr_config
 * lcr = 0.1 * weight * adaptive(nll, relu(thresh - avg_localcorr), encoder last layer, max 1e8) * relu(...);
 * plus regularization_weights[k] * regularization_log[k] (kl_loss). Discriminator (optimizer_idx 1): hinge or
 * vanilla loss on detached real and reconstructed inputs from disc_start on. Log keys are the official ones.
 */
public final class VaeLoss {
    private final LossConfig cfg;
    private final Tensor logvar;
    private final Lpips lpips;
    private final Discriminator disc;

    /** The loss value and the log (official names, e.g. train/loss/rec), as doubles. */
    public record Result(Tensor loss, Map<String, Double> log) {}

    public VaeLoss(LossConfig cfg, Lpips lpips, Discriminator disc) {
        if (cfg.perceptualWeight() > 0 && lpips == null)
            throw new IllegalArgumentException("perceptual_weight " + cfg.perceptualWeight() + " needs LPIPS weights: set loss_config.params.lpips_vgg_path"
                    + " (torchvision vgg16-397923af.pth) and lpips_lin_path (LPIPS vgg.pth), or perceptual_weight: 0");
        if (cfg.discWeight() > 0 && disc == null) throw new IllegalArgumentException("disc_weight > 0 needs a discriminator_config");
        this.cfg = cfg;
        this.lpips = lpips;
        this.disc = disc;
        this.logvar = Tensor.full(cfg.logvarInit(), DType.F32, Device.CPU).requiresGrad(cfg.learnLogvar());
    }

    public LossConfig config() { return cfg; }
    /** The learned log-variance (0-d; trainable with learn_logvar: the autoencoder optimiser takes it). */
    public Tensor logvar() { return logvar; }
    public Discriminator discriminator() { return disc; }
    public Lpips lpips() { return lpips; }

    /** get_rec_loss: [B, C, T, H, W] element-wise rec (with the perceptual term) and the per-frame LPIPS [B, 1, T, 1, 1]. */
    Tensor[] recLoss(Tensor x, Tensor xrec) {
        Tensor rec = x.sub(xrec).abs();
        Tensor p = null;
        if (cfg.perceptualWeight() > 0) {
            if (x.dim() != 5) throw new IllegalArgumentException("perceptual loss expects [B, C, T, H, W] inputs");
            int b = x.size(0), t = x.size(2);
            Tensor d = lpips.distance(framesToBatch(x), framesToBatch(xrec));   // [(b t), 1, 1, 1]
            p = d.view(b, t, 1, 1, 1).transpose(1, 2);                           // [b, 1, t, 1, 1]
            rec = rec.add(p.mul(cfg.perceptualWeight()));
        }
        return new Tensor[] {rec, p};
    }

    static Tensor framesToBatch(Tensor x) {
        int b = x.size(0), c = x.size(1), t = x.size(2), h = x.size(3), w = x.size(4);
        return x.transpose(1, 2).contiguous().view(b * t, c, h, w);
    }

    /** get_nll_loss: rec / exp(logvar) + logvar, summed / B (or mean). */
    Tensor nll(Tensor rec) {
        Tensor lv = logvar.to(rec.dtype());
        Tensor n = rec.div(lv.exp()).add(lv);
        return cfg.averageNllLoss() ? n.mean() : n.sum().div(n.size(0));
    }

    /** optimizer_idx 0. regLog: the regulariser's log (kl_loss, element_mean_kl_loss, *_localcorr), consumed. */
    public Result generator(Tensor x, Tensor xrec, long step, Tensor decoderLastLayer, Tensor encoderLastLayer,
                            Map<String, Tensor> regLog, boolean training, String split) {
        Tensor[] rp = recLoss(x, xrec);
        Tensor rec = rp[0], p = rp[1];
        Tensor nll = nll(rec);
        Tensor g;
        double dWeight;
        boolean gan = (step >= cfg.discStart() && cfg.discWeight() > 0) || !training;
        if (gan && disc != null) {
            g = GanLosses.generator(disc.logits(xrec.contiguous()));
            if (training) {
                Double w = AdaptiveWeight.compute(nll, g, decoderLastLayer, 1e4);
                dWeight = cfg.discWeight() * (w == null ? 0.0 : w);
            } else dWeight = 1.0;
        } else {
            dWeight = 0.0;
            g = null;
        }
        Tensor loss = g == null ? nll : nll.add(g.mul(dWeight * cfg.discFactor()));
        Map<String, Double> log = new LinkedHashMap<>();
        Map<String, Tensor> reg = new LinkedHashMap<>(regLog);
        if (cfg.lcrWeight() != null) {
            Tensor avg = reg.get("avg_localcorr");
            if (avg == null) throw new IllegalArgumentException("loss_config has lcr_config but the regularizer has none (regularizer_config.params.lcr_config)");
            double thresh = cfg.lcrThreshold(x.size(-1));
            Tensor lcr = avg.rsub(thresh).relu();
            double lw = 0;
            if (training) {
                if (encoderLastLayer == null || !encoderLastLayer.requiresGrad())
                    throw new IllegalArgumentException("LCR needs a trainable encoder (freeze_entire_encoder is set): remove loss_config.params.lcr_config");
                Double w = AdaptiveWeight.compute(nll, lcr, encoderLastLayer, 1e8);
                lw = 0.1 * cfg.lcrWeight() * (w == null ? 0.0 : w);
            }
            Tensor weighted = lcr.mul(lw);
            loss = loss.add(weighted);
            log.put(split + "/loss/lcr_loss", weighted.item());
            log.put(split + "/scalars/lcr_weight", lw);
        }
        for (String k : List.of("image_localcorr", "video_localcorr", "avg_localcorr")) {
            Tensor v = reg.remove(k);
            if (v != null) log.put(split + "/" + k, v.item());
        }
        Tensor elementMeanKl = reg.remove("element_mean_kl_loss");
        for (var e : reg.entrySet()) {
            Double w = cfg.regularizationWeights().get(e.getKey());
            if (w != null) {
                loss = loss.add(e.getValue().mul(w));
                Tensor shown = e.getKey().equals("kl_loss") && elementMeanKl != null ? elementMeanKl : e.getValue();
                log.put(split + "/" + e.getKey(), shown.item());
            }
        }
        try (var ng = GradMode.noGrad()) {
            log.put(split + "/loss/total", loss.item());
            log.put(split + "/loss/nll", nll.item());
            log.put(split + "/loss/rec", rec.mean().item());
            log.put(split + "/loss/percep", p == null ? 0.0 : p.mean().item());
            log.put(split + "/loss/g", g == null ? 0.0 : g.item());
            log.put(split + "/scalars/logvar", logvar.item());
            log.put(split + "/scalars/d_weight", dWeight);
        }
        return new Result(loss, log);
    }

    /** optimizer_idx 1: the discriminator loss on detached inputs; null loss when no discriminator is trained. */
    public Result discriminator(Tensor x, Tensor xrec, long step, boolean training, String split) {
        Map<String, Double> log = new LinkedHashMap<>();
        if (cfg.discWeight() <= 0 || disc == null) return new Result(null, log);
        if (!(step >= cfg.discStart() || !training)) {
            log.put(split + "/loss/disc", 0.0);
            return new Result(null, log);
        }
        List<Tensor> real = disc.logits(x.contiguous().detach()), fake = disc.logits(xrec.contiguous().detach());
        Tensor d = disc.tuple() ? GanLosses.discriminator(cfg.discLoss(), real, fake)
                : GanLosses.discriminator(cfg.discLoss(), real.get(0), fake.get(0)).mul(cfg.discFactor());
        log.put(split + "/loss/disc", d.item());
        if (disc.tuple()) {
            log.put(split + "/logits/real_image", real.get(0).mean().item());
            log.put(split + "/logits/fake_image", fake.get(0).mean().item());
            log.put(split + "/logits/real_video", real.get(1).mean().item());
            log.put(split + "/logits/fake_video", fake.get(1).mean().item());
        } else {
            log.put(split + "/logits/real", real.get(0).mean().item());
            log.put(split + "/logits/fake", fake.get(0).mean().item());
        }
        return new Result(d, log);
    }
}
