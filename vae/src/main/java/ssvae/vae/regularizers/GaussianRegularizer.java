package ssvae.vae.regularizers;

import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * regularizers.DiagonalGaussianRegularizer: posterior from the encoder moments, z = sample (or mode),
 * kl_loss = sum(kl) / B, optional element_mean_kl_loss, and the SSVAE local correlation (LCR) of the mode after a
 * per-channel normalisation by the detached mean and unbiased std over (batch, time, height, width) + 1e-6.
 */
public final class GaussianRegularizer {
    private final boolean sample, averageKl, reportMeanKl;
    private final LcrConfig lcr;

    /** lcr_config of the regulariser: window_size [tw, hw, ww], weight_type, ac_renorm. */
    public record LcrConfig(int[] windowSize, LocalCorrelation.Weight weight, boolean renorm) {
        public LcrConfig {
            if (windowSize.length != 3) throw new IllegalArgumentException("lcr_config.window_size needs 3 values, got " + windowSize.length);
            for (int v : windowSize) if (v < 1) throw new IllegalArgumentException("lcr_config.window_size values must be positive");
        }
    }

    /** z, the posterior and the log values (0-d tensors keyed as the official log dict). */
    public record Output(Tensor z, DiagonalGaussian posterior, Map<String, Tensor> log) {}

    public GaussianRegularizer(boolean sample, boolean averageKl, boolean reportMeanKl, LcrConfig lcr) {
        this.sample = sample; this.averageKl = averageKl; this.reportMeanKl = reportMeanKl; this.lcr = lcr;
    }

    public boolean sample() { return sample; }
    public LcrConfig lcr() { return lcr; }

    public Output forward(Tensor moments, Generator g) {
        if (sample && g == null) throw new IllegalArgumentException("the regulariser samples z (sample: true) and needs a generator");
        Map<String, Tensor> log = new LinkedHashMap<>();
        DiagonalGaussian post = new DiagonalGaussian(moments, averageKl);
        Tensor z = sample ? post.sample(g) : post.mode();
        Tensor kl = post.kl();
        Tensor klLoss = kl.sum().div(kl.size(0));
        if (reportMeanKl && !averageKl) {
            double n = (double) z.size(1) * z.size(2) * z.size(3) * z.size(4);
            log.put("element_mean_kl_loss", klLoss.div(n));
        }
        log.put("kl_loss", klLoss);
        if (lcr != null) {
            LocalCorrelation.Result r = localCorrelation(post.mode(), lcr);
            log.put("image_localcorr", r.image());
            log.put("avg_localcorr", r.avg());
            if (r.video() != null) log.put("video_localcorr", r.video());
        }
        return new Output(z, post, log);
    }

    /** The LCR of a mode tensor [B, D, F, H, W] after the official per-channel normalisation. */
    public static LocalCorrelation.Result localCorrelation(Tensor mode, LcrConfig cfg) {
        int[] dims = {0, 2, 3, 4};
        Tensor mean = mode.mean(dims, true).detach();
        Tensor std = mode.std(dims, true, true).detach();
        Tensor zn = mode.sub(mean).div(std.add(1e-6));
        return LocalCorrelation.compute(zn, cfg.windowSize(), cfg.weight(), cfg.renorm());
    }
}
