package ssvae.vae.config;

import com.fasterxml.jackson.databind.JsonNode;
import ssvae.vae.model.CoderParams;
import ssvae.vae.model.VideoAutoencoder;
import ssvae.vae.regularizers.GaussianRegularizer;
import ssvae.vae.regularizers.LatentMasking;

import java.util.Map;

/**
 * The model part of a config in the official layout (model.target / model.params.encoder_config ...), read into
 * our types. Sections owned by other components (loss_config, scheduler_config, optimizer_config, and the
 * top-level lightning and data) are kept as raw trees for them.
 */
public record ModelConfig(String file, String target, CoderParams encoder, CoderParams decoder, boolean sample, boolean averageKl,
                          boolean reportMeanKl, GaussianRegularizer.LcrConfig lcr, LatentMasking lmr, double[] latentMean,
                          double[] latentStd, Map<String, Object> engineOptions, JsonNode lossConfig, JsonNode schedulerConfig,
                          JsonNode optimizerConfig, JsonNode lightning, JsonNode data) {

    /** A fresh model (parameters not allocated: call allocate or loadStateDict). */
    public VideoAutoencoder build() {
        return new VideoAutoencoder(encoder, decoder, new GaussianRegularizer(sample, averageKl, reportMeanKl, lcr), lmr, latentMean, latentStd,
                statsDtype());
    }

    /**
     * The dtype of the latent mean/std: the engine's `dtype` option, bfloat16 by default as in the official
     * VideoAutoencoderInferenceWrapper (whose inverse_std = 1/bf16(std) is itself rounded to bf16).
     */
    public ssvae.tensor.DType statsDtype() {
        Object d = engineOptions == null ? null : engineOptions.get("dtype");
        if (d == null) return ssvae.tensor.DType.BF16;
        String s = d.toString().trim();
        if (s.startsWith("torch.")) s = s.substring(6);
        try {
            return ssvae.tensor.DType.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": model.params.dtype: " + e.getMessage());
        }
    }

    /** The LCR weight and threshold of loss_config.params.lcr_config (null when absent). */
    public JsonNode lossLcr() {
        if (lossConfig == null) return null;
        JsonNode p = lossConfig.get("params");
        return p == null ? null : p.get("lcr_config");
    }
}
