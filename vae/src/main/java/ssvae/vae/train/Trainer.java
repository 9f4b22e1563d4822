package ssvae.vae.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import ssvae.autograd.Autograd;
import ssvae.io.SafetensorsReader;
import ssvae.io.TorchCheckpoint;
import ssvae.optim.Adam;
import ssvae.optim.AdamW;
import ssvae.optim.ClipGrad;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;
import ssvae.vae.config.ConfigFile;
import ssvae.vae.config.ModelConfig;
import ssvae.vae.lpips.Lpips;
import ssvae.vae.lpips.LpipsWeights;
import ssvae.vae.loss.Discriminator;
import ssvae.vae.loss.LossConfig;
import ssvae.vae.loss.VaeLoss;
import ssvae.vae.model.Param;
import ssvae.vae.model.VideoAutoencoder;
import ssvae.vae.regularizers.GaussianRegularizer;
import ssvae.vae.regularizers.LocalCorrelation;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SSVAE training loop (AutoencodingEngine.training_step with manual optimisation): two Adam optimisers, the
 * autoencoder's (encoder, decoder, mask_token, learned logvar; lr_g_factor * lr, warm-up cosine schedule stepped
 * after each autoencoder step) and the discriminator's (lr / 10); from disc_start_iter on, even steps train the
 * autoencoder and odd steps the discriminator (step % 2), as the official optimizer_idx = batch_idx % 2. Each
 * optimiser's step sees only its own parameters' gradients (toggle_model). Gradient accumulation sums
 * accumulate_grad_batches micro-batches. A step whose loss or gradient norm is not finite is skipped (no update)
 * and counted; max_nonfinite_steps in a row stop the run, keeping the last checkpoint. Checkpoints hold the
 * model, loss (logvar, discriminator), optimiser and EMA states and trainer.json (step, RNG state, data position),
 * so a resumed run continues exactly.
 */
public final class Trainer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path runDir;
    final ObjectNode config;
    final ModelConfig mc;
    final TrainSettings ts;
    final DataSettings ds;
    final VideoAutoencoder model;
    final VaeLoss loss;
    final Generator gen;
    final List<Tensor> aeParams = new ArrayList<>(), discParams = new ArrayList<>();
    final Adam aeOpt, discOpt;
    final Ema ema;
    final CheckpointStore store;
    final MetricsLog metrics;
    final PrintStream log;
    DataSource data;
    List<Tensor> validation;
    long step, aeSteps, skippedSteps;
    int consecutiveNonfinite;
    long maxSteps;
    volatile boolean stopRequested;

    /** Thrown when too many steps in a row were not finite. */
    public static final class NonFiniteException extends RuntimeException {
        NonFiniteException(String m) { super(m); }
    }

    private Trainer(Path runDir, ObjectNode config, String name, PrintStream log, Path resumeFrom) {
        this.runDir = runDir;
        this.config = config;
        this.log = log;
        this.mc = ConfigFile.model(config, name);
        this.ts = TrainSettings.read(mc, config);
        this.ds = DataSettings.read(mc.data(), name);
        LossConfig lc = LossConfig.read(mc.lossConfig(), name);
        this.maxSteps = ts.maxSteps();

        model = mc.build();
        model.allocate(DType.F32, Device.CPU, new Generator(ts.seed()));
        Lpips lpips = null;
        if (lc.perceptualWeight() > 0) {
            if (lc.lpipsVggPath() == null || lc.lpipsLinPath() == null)
                throw new IllegalArgumentException(name + ": perceptual_weight " + lc.perceptualWeight() + " needs the LPIPS weight files: set "
                        + "model.params.loss_config.params.lpips_vgg_path (torchvision vgg16-397923af.pth) and lpips_lin_path (LPIPS vgg.pth), "
                        + "or --set model.params.loss_config.params.perceptual_weight=0");
            lpips = new Lpips(new Generator(0));
            LpipsWeights.load(lpips, Path.of(lc.lpipsVggPath()), Path.of(lc.lpipsLinPath()));
        }
        Discriminator disc = lc.discWeight() > 0 || lc.discTarget() != null ? Discriminator.build(lc, new Generator(ts.seed() + 1)) : null;
        loss = new VaeLoss(lc, lpips, disc);
        if (ts.ckptPath() != null && resumeFrom == null) loadInitial(Path.of(ts.ckptPath()));

        Path ck = resumeFrom;
        if (ck != null) {
            model.loadStateDict(need(ck, "model.safetensors"), true);
            Map<String, Tensor> ls = need(ck, "loss.safetensors");
            loadLoss(ls);
        }
        // optimisers are built on the final parameter tensors (loading replaces them)
        if (lc.learnLogvar()) aeParams.add(loss.logvar());
        for (Param p : model.namedParams().values()) if (p.trainable()) aeParams.add(p.value());
        if (aeParams.isEmpty()) throw new IllegalArgumentException(name + ": no trainable autoencoder parameters");
        aeOpt = optimiser(aeParams, ts.aeLr(0));
        if (disc != null) {
            discParams.addAll(disc.module().parameters());
            discOpt = optimiser(discParams, ts.discLr());
        } else discOpt = null;
        ema = ts.emaDecay() != null ? new Ema(model.namedParams(), ts.emaDecay()) : null;
        gen = new Generator(ts.seed() + 2);
        store = new CheckpointStore(runDir, ts.keepCheckpoints());

        long dataPos = 0;
        if (ck != null) {
            Map<String, Tensor> os = need(ck, "optim.safetensors");
            aeOpt.loadStateDict(sub(os, "ae."));
            if (discOpt != null) discOpt.loadStateDict(sub(os, "disc."));
            if (ema != null) ema.load(need(ck, "ema.safetensors"));
            try {
                JsonNode st = JSON.readTree(Files.readString(ck.resolve("trainer.json")));
                step = st.get("step").asLong();
                aeSteps = st.get("ae_steps").asLong();
                skippedSteps = st.get("skipped_steps").asLong();
                consecutiveNonfinite = st.get("consecutive_nonfinite").asInt();
                gen.setState(st.get("rng_seed").asLong(), st.get("rng_offset").asLong());
                Generator.global().setState(st.get("global_rng_seed").asLong(), st.get("global_rng_offset").asLong());
                dataPos = st.get("data_position").asLong();
            } catch (IOException | NullPointerException e) {
                throw new IllegalArgumentException(ck.resolve("trainer.json") + ": unreadable trainer state (" + e + ")");
            }
        }
        data = ds.openTrain(0);
        if (dataPos > 0) data.skip(dataPos);
        validation = ds.validationClips();
        metrics = new MetricsLog(runDir, step);
    }

    // ------------------------------------------------------------------ construction

    /** A new run in runDir (created; must be empty or absent) from a config file and --set overrides. */
    public static Trainer start(Path configFile, List<String> overrides, Path runDir, PrintStream log) {
        ObjectNode cfg = ConfigFile.load(configFile, overrides);
        boolean created = !Files.exists(runDir);
        try {
            if (Files.isDirectory(runDir)) {
                try (var s = Files.list(runDir)) {
                    if (s.findAny().isPresent())
                        throw new IllegalArgumentException("run directory " + runDir + " is not empty; use --resume " + runDir + " to continue it");
                }
            }
            Files.createDirectories(runDir);
            Files.writeString(runDir.resolve("config.yaml"), new YAMLMapper().writeValueAsString(cfg));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run directory " + runDir + ": " + e.getMessage(), e);
        }
        try {
            return new Trainer(runDir, cfg, configFile.toString(), log, null);
        } catch (RuntimeException e) {
            try {
                if (created) CheckpointStore.deleteTree(runDir);
                else Files.deleteIfExists(runDir.resolve("config.yaml"));
            } catch (IOException ignored) { /* leave it */ }
            throw e;
        }
    }

    /** Continues a run from its newest complete checkpoint (or from the start when it has none). */
    public static Trainer resume(Path runDir, PrintStream log) {
        Path cfgFile = runDir.resolve("config.yaml");
        if (!Files.isRegularFile(cfgFile)) throw new IllegalArgumentException(runDir + " is not a run directory (no config.yaml)");
        ObjectNode cfg = ConfigFile.load(cfgFile, List.of());
        Path ck = new CheckpointStore(runDir, 0).latest();
        if (log != null) log.println(ck == null ? "no checkpoint in " + runDir + ": starting from step 0" : "resuming from " + ck);
        return new Trainer(runDir, cfg, cfgFile.toString(), log, ck);
    }

    private Adam optimiser(List<Tensor> params, double lr) {
        if (ts.optimizer().equals("torch.optim.AdamW"))
            return new AdamW(params, lr, ts.beta1(), ts.beta2(), ts.eps(), ts.weightDecay(), false);
        return new Adam(params, lr, ts.beta1(), ts.beta2(), ts.eps(), ts.weightDecay(), false);
    }

    private static Map<String, Tensor> need(Path ck, String name) {
        Map<String, Tensor> m = CheckpointStore.read(ck, name);
        if (m == null) throw new IllegalArgumentException("checkpoint " + ck + " lacks " + name);
        return m;
    }

    private static Map<String, Tensor> sub(Map<String, Tensor> m, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : m.entrySet()) if (e.getKey().startsWith(prefix)) out.put(e.getKey().substring(prefix.length()), e.getValue());
        return out;
    }

    private void loadLoss(Map<String, Tensor> ls) {
        Tensor lv = ls.get("logvar");
        if (lv != null) try (var ng = GradMode.noGrad()) { loss.logvar().copy_(lv.to(DType.F32).reshape()); }
        if (loss.discriminator() != null) {
            Map<String, Tensor> d = sub(ls, "discriminator.");
            if (!d.isEmpty()) loss.discriminator().module().loadStateDict(d, true);
        }
    }

    /**
     * ckpt_path (stage 2 from stage 1, init_from_ckpt): a run checkpoint folder, our model.safetensors, or an official
     * Lightning .ckpt; keys starting with an ignore_keys entry are dropped; loaded non-strictly (missing keys keep
     * their initialisation, as load_state_dict(strict=False)).
     */
    private void loadInitial(Path p) {
        Map<String, Tensor> sd;
        if (Files.isDirectory(p)) {
            sd = new LinkedHashMap<>(need(p, "model.safetensors"));
            Map<String, Tensor> ls = CheckpointStore.read(p, "loss.safetensors");
            if (ls != null) for (var e : ls.entrySet()) sd.put("loss." + e.getKey(), e.getValue());
        } else if (p.toString().endsWith(".safetensors")) sd = SafetensorsReader.read(p);
        else sd = TorchCheckpoint.stateDict(p);
        Map<String, Tensor> kept = new LinkedHashMap<>();
        for (var e : sd.entrySet()) {
            boolean drop = false;
            for (String ik : ts.ignoreKeys()) if (e.getKey().startsWith(ik)) drop = true;
            if (!drop) kept.put(e.getKey(), e.getValue());
        }
        Map<String, Tensor> modelKeys = new LinkedHashMap<>();
        for (var e : kept.entrySet()) if (!e.getKey().startsWith("loss.") && !e.getKey().startsWith("model_ema.")) modelKeys.put(e.getKey(), e.getValue());
        model.loadStateDict(modelKeys, false);
        loadLoss(sub(kept, "loss."));
        if (log != null) log.println("initialised from " + p + " (" + modelKeys.size() + " model tensors)");
    }

    // ------------------------------------------------------------------ training

    public long step() { return step; }
    public long skippedSteps() { return skippedSteps; }
    public VideoAutoencoder model() { return model; }
    public VaeLoss loss() { return loss; }
    public Path runDir() { return runDir; }
    public void setMaxSteps(long n) { maxSteps = n; }
    public void requestStop() { stopRequested = true; }

    /** Replaces the training stream (tests inject sources). */
    public void setData(DataSource d) { data.close(); data = d; }

    private static boolean finite(double v) { return !Double.isNaN(v) && !Double.isInfinite(v); }

    /** L2 norm of the gradients of a parameter list (clipped to gradient_clip_val when set), in float64. */
    private double gradNorm(List<Tensor> ps) {
        if (ts.gradClip() > 0) return ClipGrad.clipGradNorm(ps, ts.gradClip());
        double s = 0;
        try (var ng = GradMode.noGrad()) {
            for (Tensor p : ps) if (p.grad() != null) { double n = p.grad().to(DType.F64).norm().item(); s += n * n; }
        }
        return Math.sqrt(s);
    }

    /** One optimisation step (the optimiser chosen by the step index); returns the logged values. */
    public Map<String, Double> trainStep() {
        long t0 = System.nanoTime();
        int idx = discOpt != null && step >= ts.discStartIter() ? (int) (step % 2) : 0;
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("step", (double) step);
        row.put("optimizer_idx", (double) idx);
        boolean ok = true;
        int acc = ts.accumulate();
        if (idx == 0) {
            double lr = ts.aeLr(aeSteps);
            for (var g : aeOpt.paramGroups()) g.lr = lr;
            model.train(true);
            aeOpt.zeroGrad();
            if (discOpt != null) loss.discriminator().module().requiresGrad(false);
            try {
                for (int m = 0; m < acc && ok; m++) {
                    Tensor x = data.next();
                    VideoAutoencoder.Output out = model.forward(x, gen);
                    VaeLoss.Result r = loss.generator(x, out.reconstruction(), step, model.decoder().lastLayer().value(),
                            model.encoder().lastLayer().value(), out.reg().log(), true, "train");
                    addLog(row, r.log(), acc);
                    if (!finite(r.loss().item())) { ok = false; break; }
                    Autograd.backward(List.of(acc == 1 ? r.loss() : r.loss().div(acc)), null, false);
                }
            } finally {
                if (discOpt != null) loss.discriminator().module().requiresGrad(true);
            }
            double gn = ok ? gradNorm(aeParams) : Double.NaN;
            if (ok && !finite(gn)) ok = false;
            if (ok) {
                aeOpt.step();
                if (ema != null) ema.update();
            }
            aeOpt.zeroGrad();
            aeSteps++;   // the official LambdaLR steps after every autoencoder step, skipped or not
            row.put("train/lr", lr);
            row.put("train/grad_norm", gn);
        } else {
            discOpt.zeroGrad();
            boolean active = step >= loss.config().discStart();
            double gn = 0;
            for (int m = 0; m < acc && ok; m++) {
                Tensor x = data.next();
                if (!active) { row.put("train/loss/disc", 0.0); continue; }   // the official disc loss is a constant 0 here
                Tensor rec;
                try (var ng = GradMode.noGrad()) {
                    model.train(true);
                    rec = model.forward(x, gen).reconstruction();
                }
                VaeLoss.Result r = loss.discriminator(x, rec, step, true, "train");
                addLog(row, r.log(), acc);
                if (!finite(r.loss().item())) { ok = false; break; }
                Autograd.backward(List.of(acc == 1 ? r.loss() : r.loss().div(acc)), null, false);
            }
            if (active && ok) {
                gn = gradNorm(discParams);
                if (!finite(gn)) ok = false;
            }
            if (ok && active) discOpt.step();
            discOpt.zeroGrad();
            row.put("train/lr_disc", ts.discLr());
            row.put("train/grad_norm_disc", gn);
        }
        if (ok) consecutiveNonfinite = 0;
        else {
            skippedSteps++;
            consecutiveNonfinite++;
        }
        step++;
        row.put("train/skipped_steps", (double) skippedSteps);
        row.put("train/skipped_samples", (double) data.skippedSamples());
        row.put("time/step_s", (System.nanoTime() - t0) / 1e9);
        if (!ok && log != null) log.println("step " + (step - 1) + ": loss or gradient not finite, update skipped (" + consecutiveNonfinite + " in a row)");
        return row;
    }

    private static void addLog(Map<String, Double> row, Map<String, Double> l, int acc) {
        for (var e : l.entrySet()) row.merge(e.getKey(), e.getValue() / acc, Double::sum);
    }

    /** Trains until maxSteps (or a stop request), logging, sampling and checkpointing; returns the last row. */
    public Map<String, Double> run() {
        Progress bar = new Progress(log, step, maxSteps);
        Map<String, Double> last = null;
        long lastCkpt = step;
        try {
            while (step < maxSteps && !stopRequested) {
                Map<String, Double> row = trainStep();
                last = row;
                if (consecutiveNonfinite >= ts.maxNonfinite()) {
                    Path good = store.latest();
                    throw new NonFiniteException(ts.maxNonfinite() + " steps in a row had a non-finite loss or gradient (last at step " + (step - 1)
                            + "); stopping. The last good checkpoint is " + (good == null ? "none (no checkpoint was written yet)" : good.toString()));
                }
                if (step % ts.sampleEvery() == 0 || step == maxSteps) row.putAll(evaluate(true));
                if ((step - 1) % ts.logEvery() == 0 || step == maxSteps || row.containsKey("val/psnr")) metrics.log(row);
                bar.update(step, row.getOrDefault("train/loss/total", row.getOrDefault("train/loss/disc", Double.NaN)));
                if (step % ts.checkpointEvery() == 0) { saveCheckpoint(); lastCkpt = step; }
            }
            if (stopRequested && log != null) log.println("\nstop requested: finished step " + step + ", writing a checkpoint");
            if (step != lastCkpt || store.latest() == null) saveCheckpoint();
        } finally {
            metrics.writeCsv();
            Plots.write(metrics.rows(), List.of("train/loss/total", "train/loss/rec", "train/loss/nll", "train/kl_loss", "train/loss/lcr_loss",
                    "train/avg_localcorr", "train/scalars/logvar", "train/loss/g", "train/loss/disc", "train/lr", "val/psnr", "val/avg_localcorr",
                    "val/top4_share"), runDir.resolve("plots"));
        }
        return last;
    }

    /** Writes a checkpoint of the current state (atomically); returns its folder. */
    public Path saveCheckpoint() {
        Map<String, Map<String, Tensor>> files = new LinkedHashMap<>();
        files.put("model.safetensors", model.stateDict());
        Map<String, Tensor> ls = new LinkedHashMap<>();
        ls.put("logvar", loss.logvar().detach());
        if (loss.discriminator() != null)
            for (var e : loss.discriminator().module().stateDict().entrySet()) ls.put("discriminator." + e.getKey(), e.getValue());
        files.put("loss.safetensors", ls);
        Map<String, Tensor> os = new LinkedHashMap<>();
        for (var e : aeOpt.stateDict().entrySet()) os.put("ae." + e.getKey(), e.getValue());
        if (discOpt != null) for (var e : discOpt.stateDict().entrySet()) os.put("disc." + e.getKey(), e.getValue());
        files.put("optim.safetensors", os);
        if (ema != null) files.put("ema.safetensors", ema.stateDict());
        ObjectNode st = JSON.createObjectNode();
        st.put("step", step);
        st.put("ae_steps", aeSteps);
        st.put("skipped_steps", skippedSteps);
        st.put("consecutive_nonfinite", consecutiveNonfinite);
        st.put("rng_seed", gen.seed());
        st.put("rng_offset", gen.offset());
        st.put("global_rng_seed", Generator.global().seed());
        st.put("global_rng_offset", Generator.global().offset());
        st.put("data_position", data.position());
        st.put("config", mc.file());
        return store.write(step, new CheckpointStore.Contents(files, st.toPrettyString()));
    }

    /**
     * Held-out evaluation with the posterior mode (no sampling, no masking): mean PSNR of the reconstructions, the
     * average local correlation of the latents (window of the config, else [2, 2, 2]) and the share of channel
     * variance in the top 4 principal components. Writes sample videos and strips when asked.
     */
    public Map<String, Double> evaluate(boolean samples) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (validation.isEmpty()) return out;
        model.train(false);
        double psnr = 0;
        List<Tensor> modes = new ArrayList<>();
        try (var ng = GradMode.noGrad()) {
            for (int i = 0; i < validation.size(); i++) {
                Tensor x = validation.get(i);
                Tensor moments = model.encodeMoments(x);
                Tensor mode = moments.chunk(2, 1).get(0);
                Tensor rec = model.decode(mode);
                psnr += Samples.psnr(x, rec);
                modes.add(mode);
                if (samples && i < ts.maxVideos()) Samples.write(runDir.resolve("samples"), String.format("step-%08d-clip%d", step, i), x, rec);
            }
            Tensor all = Tensor.cat(modes, 0);
            GaussianRegularizer.LcrConfig lcfg = mc.lcr() != null ? mc.lcr()
                    : new GaussianRegularizer.LcrConfig(new int[] {2, 2, 2}, new LocalCorrelation.Average(), true);
            try {
                LocalCorrelation.Result r = GaussianRegularizer.localCorrelation(all, lcfg);
                out.put("val/avg_localcorr", r.avg().item());
                out.put("val/image_localcorr", r.image().item());
                if (r.video() != null) out.put("val/video_localcorr", r.video().item());
            } catch (IllegalArgumentException e) {
                if (log != null) log.println("local correlation skipped: " + e.getMessage());
            }
            out.put("val/top4_share", LatentStats.topShare(all, 4));
        } finally {
            model.train(true);
        }
        out.put("val/psnr", psnr / validation.size());
        return out;
    }

    @Override public void close() {
        metrics.close();
        data.close();
    }
}
