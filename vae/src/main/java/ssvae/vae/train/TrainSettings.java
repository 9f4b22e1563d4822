package ssvae.vae.train;

import com.fasterxml.jackson.databind.JsonNode;
import ssvae.vae.config.ConfigException;
import ssvae.vae.config.ConfigNode;
import ssvae.vae.config.ModelConfig;

import java.util.List;
import java.util.Map;

/**
 * The training recipe from a config in the official layout: model.base_learning_rate, the engine options
 * (lr_g_factor, disc_start_iter, ema_decay, ckpt_path, ignore_keys), scheduler_config
 * (LambdaWarmUpCosineScheduler), optimizer_config (torch.optim.Adam by default; betas/eps/weight_decay), and
 * lightning: trainer (max_steps, accumulate_grad_batches, gradient_clip_val, log_every_n_steps, plus ours: seed,
 * max_nonfinite_steps), modelcheckpoint.params (every_n_train_steps, save_top_k = checkpoints kept),
 * callbacks.video_logger.params (batch_frequency: samples and held-out PSNR, max_videos). The learning rate is
 * base_learning_rate (main.py's default, no --scale_lr); the discriminator's is a tenth of it.
 */
public record TrainSettings(double learningRate, double lrGFactor, int discStartIter, Double emaDecay, String ckptPath,
                            List<String> ignoreKeys, Schedule schedule, String optimizer, double beta1, double beta2, double eps,
                            double weightDecay, int maxSteps, int accumulate, double gradClip, int logEvery, long seed,
                            int maxNonfinite, int checkpointEvery, int keepCheckpoints, int sampleEvery, int maxVideos) {

    /** scheduler_config params; null schedule: constant learning rate. */
    public record Schedule(double warmUpSteps, double lrMin, double lrStart, double maxDecaySteps) {}

    /** Reads the recipe; root is the whole loaded config tree (for model.base_learning_rate). */
    public static TrainSettings read(ModelConfig mc, JsonNode root) {
        String file = mc.file();
        Map<String, Object> opts = mc.engineOptions();
        double lr = baseLr(root, file);
        double lrG = num(opts.get("lr_g_factor"), 1.0, file, "model.params.lr_g_factor");
        int discStartIter = (int) num(opts.get("disc_start_iter"), 0.0, file, "model.params.disc_start_iter");
        Double ema = opts.get("ema_decay") == null ? null : num(opts.get("ema_decay"), null, file, "model.params.ema_decay");
        String ckpt = opts.get("ckpt_path") == null ? null : opts.get("ckpt_path").toString();
        List<String> ignore = opts.get("ignore_keys") instanceof List<?> l ? l.stream().map(Object::toString).toList() : List.of();

        Schedule sched = null;
        if (mc.schedulerConfig() != null) {
            ConfigNode s = ConfigNode.of(mc.schedulerConfig(), "model.params.scheduler_config", file);
            String t = s.string("target", null);
            if (!t.equals("ssvae.lr_scheduler.LambdaWarmUpCosineScheduler"))
                throw s.error("target", "unknown scheduler '" + t + "'; expected ssvae.lr_scheduler.LambdaWarmUpCosineScheduler");
            ConfigNode p = s.child("params");
            sched = new Schedule(p.number("warm_up_steps", null), p.number("lr_min", null), p.number("lr_start", null), p.number("max_decay_steps", null));
            p.number("lr_max", -1.0);
            p.integer("verbosity_interval", 0);
            unknown(s, file);
        }
        String optimizer = "torch.optim.Adam";
        double b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0;
        if (mc.optimizerConfig() != null) {
            ConfigNode o = ConfigNode.of(mc.optimizerConfig(), "model.params.optimizer_config", file);
            optimizer = o.string("target", null);
            if (!optimizer.equals("torch.optim.Adam") && !optimizer.equals("torch.optim.AdamW"))
                throw o.error("target", "unknown optimizer '" + optimizer + "'; expected torch.optim.Adam or torch.optim.AdamW");
            if (optimizer.equals("torch.optim.AdamW")) wd = 1e-2;
            ConfigNode p = o.childOrNull("params");
            if (p != null) {
                List<Double> betas = p.numbers("betas", List.of(b1, b2));
                if (betas.size() != 2) throw p.error("betas", "needs 2 values");
                b1 = betas.get(0); b2 = betas.get(1);
                eps = p.number("eps", eps);
                wd = p.number("weight_decay", wd);
            }
            unknown(o, file);
        }

        int maxSteps = 1000, accumulate = 1, logEvery = 1, maxNonfinite = 10, ckEvery = 100, keep = 3, sampleEvery = 100, maxVideos = 2;
        double clip = 0;
        long seed = 0;
        JsonNode lj = mc.lightning();
        if (lj != null) {
            ConfigNode l = ConfigNode.of(lj, "lightning", file);
            ConfigNode t = l.childOrNull("trainer");
            if (t != null) {
                maxSteps = t.integer("max_steps", maxSteps);
                accumulate = t.integer("accumulate_grad_batches", 1);
                clip = t.number("gradient_clip_val", 0.0);
                logEvery = t.integer("log_every_n_steps", 1);
                seed = t.integer("seed", 0);
                maxNonfinite = t.integer("max_nonfinite_steps", maxNonfinite);
                for (String ignored : List.of("devices", "num_nodes", "precision", "benchmark", "num_sanity_val_steps", "max_epochs"))
                    t.value(ignored);
            }
            ConfigNode mcp = l.childOrNull("modelcheckpoint");
            if (mcp != null) {
                ConfigNode p = mcp.child("params");
                ckEvery = p.integer("every_n_train_steps", ckEvery);
                keep = p.integer("save_top_k", keep);
            }
            ConfigNode cb = l.childOrNull("callbacks");
            if (cb != null) {
                cb.raw("metrics_over_trainsteps_checkpoint");
                ConfigNode vl = cb.childOrNull("video_logger");
                if (vl != null) {
                    vl.value("target");
                    ConfigNode p = vl.child("params");
                    sampleEvery = p.integer("batch_frequency", sampleEvery);
                    maxVideos = p.integer("max_videos", maxVideos);
                    for (String ignored : List.of("disabled", "enable_autocast", "increase_log_steps", "log_first_step")) p.value(ignored);
                    p.raw("log_videos_kwargs");
                }
            }
            unknown(l, file);
        }
        if (maxSteps < 1) throw new ConfigException(file, "lightning.trainer.max_steps", "must be positive, got " + maxSteps);
        if (accumulate < 1) throw new ConfigException(file, "lightning.trainer.accumulate_grad_batches", "must be at least 1");
        if (ckEvery < 1) throw new ConfigException(file, "lightning.modelcheckpoint.params.every_n_train_steps", "must be positive");
        if (maxNonfinite < 1) throw new ConfigException(file, "lightning.trainer.max_nonfinite_steps", "must be positive");
        return new TrainSettings(lr, lrG, discStartIter, ema, ckpt, ignore, sched, optimizer, b1, b2, eps, wd, maxSteps, accumulate, clip,
                Math.max(1, logEvery), seed, maxNonfinite, ckEvery, keep, Math.max(1, sampleEvery), Math.max(1, maxVideos));
    }

    private static double baseLr(JsonNode root, String file) {
        JsonNode v = root.path("model").path("base_learning_rate");
        if (v.isMissingNode() || v.isNull()) throw new ConfigException(file, "model.base_learning_rate", "required for training");
        double lr = v.isNumber() ? v.doubleValue() : num(v.asText(), null, file, "model.base_learning_rate");
        if (!(lr > 0)) throw new ConfigException(file, "model.base_learning_rate", "must be positive, got " + lr);
        return lr;
    }

    private static double num(Object v, Double def, String file, String key) {
        if (v == null) {
            if (def == null) throw new ConfigException(file, key, "required key is missing");
            return def;
        }
        if (v instanceof Number n) return n.doubleValue();
        try { return Double.parseDouble(v.toString()); } catch (NumberFormatException e) { throw new ConfigException(file, key, "expected a number, got '" + v + "'"); }
    }

    static void unknown(ConfigNode n, String file) {
        List<String> u = n.unread();
        if (!u.isEmpty()) throw new ConfigException(file, u.get(0), "unknown key" + (u.size() > 1 ? " (also unknown: " + u.subList(1, u.size()) + ")" : ""));
    }

    /** The autoencoder learning rate after n autoencoder steps: lr_g_factor * LambdaLR(f(n) / lr). */
    public double aeLr(long n) {
        double base = lrGFactor * learningRate;
        if (schedule == null) return base;
        var s = new ssvae.optim.LambdaWarmUpCosineScheduler(schedule.warmUpSteps(), schedule.lrMin(), learningRate, schedule.lrStart(), schedule.maxDecaySteps());
        return base * s.schedule((int) n) / learningRate;
    }

    public double discLr() { return learningRate / 10; }
}
