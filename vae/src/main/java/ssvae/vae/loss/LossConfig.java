package ssvae.vae.loss;

import com.fasterxml.jackson.databind.JsonNode;
import ssvae.vae.config.ConfigException;
import ssvae.vae.config.ConfigNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * loss_config of the official layout (GeneralLPIPSWithDiscriminator params) plus two keys of ours for the LPIPS
 * weight files: lpips_vgg_path (torchvision vgg16-397923af.pth or its safetensors) and lpips_lin_path (LPIPS
 * vgg.pth). Unknown keys are an error naming the key.
 *
 * @param lcrThresh     lcr_config.thresh: a single value (key 0) or values keyed by input size
 * @param discTarget    discriminator_config.target (image+video, 2D or 3D PatchGAN); null: no discriminator
 */
public record LossConfig(int discStart, double logvarInit, double discFactor, double discWeight, double perceptualWeight,
                         String discLoss, int dims, boolean learnLogvar, Map<String, Double> regularizationWeights,
                         boolean averageNllLoss, Double lcrWeight, Map<Integer, Double> lcrThresh, String discTarget,
                         int discInChannels, int ndf, int maxSpatialDown, int maxTemporalDown, boolean discCheckpoint,
                         String lpipsVggPath, String lpipsLinPath) {

    public static final String TARGET = "ssvae.modules.autoencoding.losses.loss_factory.GeneralLPIPSWithDiscriminator";
    public static final String IMAGE_VIDEO = "ssvae.modules.autoencoding.losses.patchgan.PatchGANImageVideoDisc";
    public static final String DISC_2D = "ssvae.modules.autoencoding.losses.patchgan.PatchGAN2DDiscriminator";
    public static final String DISC_3D = "ssvae.modules.autoencoding.losses.patchgan.PatchGAN3DDiscriminator";

    /** Reads model.params.loss_config (raw tree from ModelConfig.lossConfig()). */
    public static LossConfig read(JsonNode lossConfig, String file) {
        if (lossConfig == null) throw new ConfigException(file, "model.params.loss_config", "missing section (training needs a loss)");
        ConfigNode c = ConfigNode.of(lossConfig, "model.params.loss_config", file);
        String target = c.string("target", null);
        if (!target.equals(TARGET) && !target.equals("ssvae.vae.loss.GeneratorLoss"))
            throw c.error("target", "unknown loss class '" + target + "'; expected " + TARGET);
        ConfigNode p = c.child("params");
        int discStart = p.integer("disc_start", null);
        double logvarInit = p.number("logvar_init", 0.0);
        p.integer("disc_num_layers", 3);
        int discIn = p.integer("disc_in_channels", 3);
        double discFactor = p.number("disc_factor", 1.0), discWeight = p.number("disc_weight", 1.0);
        double pw = p.number("perceptual_weight", 1.0);
        String dl = p.string("disc_loss", "hinge");
        if (!dl.equals("hinge") && !dl.equals("vanilla")) throw p.error("disc_loss", "must be hinge or vanilla, got " + dl);
        int dims = p.integer("dims", 2);
        boolean learnLogvar = p.bool("learn_logvar", false);
        Map<String, Double> reg = new LinkedHashMap<>();
        ConfigNode rw = p.childOrNull("regularization_weights");
        if (rw != null) {
            for (String k : List.of("kl_loss")) if (rw.has(k)) reg.put(k, rw.number(k, null));
        }
        p.value("additional_log_keys");
        boolean avgNll = p.bool("average_nll_loss", false);
        p.bool("log_logits", false);
        Double lcrWeight = null;
        Map<Integer, Double> thresh = null;
        ConfigNode lc = p.childOrNull("lcr_config");
        if (lc != null) {
            lcrWeight = lc.number("weight", null);
            thresh = new LinkedHashMap<>();
            JsonNode t = lossConfig.get("params").get("lcr_config").get("thresh");
            if (t != null && t.isObject()) {
                lc.raw("thresh");
                for (var it = t.fields(); it.hasNext(); ) {
                    var e = it.next();
                    try {
                        thresh.put(Integer.parseInt(e.getKey()), e.getValue().isNumber() ? e.getValue().doubleValue() : Double.parseDouble(e.getValue().asText()));
                    } catch (NumberFormatException ex) {
                        throw lc.error("thresh." + e.getKey(), "expected an input size mapped to a number");
                    }
                }
            } else thresh.put(0, lc.number("thresh", null));
        }
        String dt = null;
        int ndf = 64, msd = 8, mtd = 4;
        boolean ckpt = false;
        ConfigNode dc = p.childOrNull("discriminator_config");
        if (dc != null) {
            dt = dc.string("target", null);
            if (!dt.equals(IMAGE_VIDEO) && !dt.equals(DISC_2D) && !dt.equals(DISC_3D))
                throw dc.error("target", "unknown discriminator '" + dt + "'; expected one of " + List.of(IMAGE_VIDEO, DISC_2D, DISC_3D));
            ConfigNode dp = dc.childOrNull("params");
            if (dp != null) {
                discIn = dp.integer("in_channels", discIn);
                ndf = dp.integer("ndf", 64);
                msd = dp.integer("max_spatial_down", 8);
                mtd = dp.integer("max_temporal_down", 4);
                ckpt = dp.bool("gradient_checkpoint", false);
                unknown(dp, file);
            }
        } else if (discWeight > 0) {
            throw p.error("discriminator_config", "missing (the official default NLayerDiscriminator is not provided; set disc_weight: 0 to train without a GAN)");
        }
        String vgg = p.string("lpips_vgg_path", ""), lin = p.string("lpips_lin_path", "");
        unknown(c, file);
        return new LossConfig(discStart, logvarInit, discFactor, discWeight, pw, dl, dims, learnLogvar, reg, avgNll, lcrWeight, thresh, dt,
                discIn, ndf, msd, mtd, ckpt, vgg.isEmpty() ? null : vgg, lin.isEmpty() ? null : lin);
    }

    private static void unknown(ConfigNode n, String file) {
        List<String> u = n.unread();
        if (!u.isEmpty()) throw new ConfigException(file, u.get(0), "unknown key" + (u.size() > 1 ? " (also unknown: " + u.subList(1, u.size()) + ")" : ""));
    }

    /** lcr_config.thresh for an input size (the single value when not keyed). */
    public double lcrThreshold(int inputSize) {
        if (lcrThresh.containsKey(0) && lcrThresh.size() == 1) return lcrThresh.get(0);
        Double t = lcrThresh.get(inputSize);
        if (t == null) throw new IllegalArgumentException("loss_config.params.lcr_config.thresh has no entry for input size " + inputSize + " (keys " + lcrThresh.keySet() + ")");
        return t;
    }
}
