package ssvae.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;
import ssvae.vae.config.ConfigFile;
import ssvae.vae.config.ModelConfig;
import ssvae.vae.data.Clip;
import ssvae.vae.data.ClipLoader;
import ssvae.vae.data.DataException;
import ssvae.vae.data.FrameCounts;
import ssvae.vae.inference.DefaultModel;
import ssvae.vae.inference.Frames;
import ssvae.vae.inference.LpipsMetric;
import ssvae.vae.inference.OutputGroup;
import ssvae.vae.inference.Reconstructor;
import ssvae.vae.metrics.Psnr;
import ssvae.vae.metrics.Ssim;
import ssvae.vae.model.VideoAutoencoder;
import ssvae.vae.model.Weights;
import ssvae.vae.video.VideoWriter;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * ssvae reconstruct: reconstruction.py end to end. Each input video is loaded as the official load_video does
 * (num_frames indices spread over the whole video, bilinear resize to size x size, [-1, 1]), encoded and decoded,
 * and written as DIR/&lt;name&gt;.mp4 at 16 fps (save_video), optionally with DIR/&lt;name&gt;_side_by_side.mp4
 * (original | reconstruction). PSNR and SSIM compare the 8-bit original clip with the 8-bit reconstruction (both
 * quantised as save_video does, before H.264), and so does LPIPS when VGG16 and LPIPS head weights are given (or named
 * in the config's loss_config). Outputs appear only when complete (temporary names, then rename).
 */
@Command(name = "reconstruct", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Encode and decode a video (or every video in a folder) as reconstruction.py does, write DIR/<name>.mp4,",
                "and print PSNR, SSIM (and LPIPS, given its weights) of the reconstruction against the resized input clip."})
final class ReconstructCommand implements Callable<Integer> {
    static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "mov", "mkv", "webm", "avi", "m4v");
    static final String SIDE_BY_SIDE_SUFFIX = "_side_by_side";

    @Option(names = "--config", paramLabel = "C", description = "model config (official SSVAE YAML layout; default: the repository's default model, "
            + DefaultModel.DIR + "/" + DefaultModel.CONFIG_FILE + ")")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config value (repeatable)")
    List<String> sets = new ArrayList<>();

    @Option(names = "--checkpoint", paramLabel = "W", description = "weights: .safetensors or a PyTorch/Lightning .ckpt/.pt/.pth (default: "
            + DefaultModel.DIR + "/" + DefaultModel.CHECKPOINT_FILE + ")")
    Path checkpoint;

    @Option(names = "--random-weights", description = "run untrained, randomly initialised weights (tests and demos; the output is noise)")
    boolean randomWeights;

    @Option(names = "--seed", defaultValue = "0", description = "seed of --random-weights (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--input", required = true, paramLabel = "V", description = "a video file, or a folder of videos (" + "mp4, mov, mkv, webm, avi, m4v)")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "output folder (created when missing)")
    Path output;

    @Option(names = "--num-frames", defaultValue = "17", paramLabel = "N", description = "frames spread over the video; rounded to the nearest 1+4k (default: ${DEFAULT-VALUE})")
    int numFrames;

    @Option(names = "--image-size", defaultValue = "256", paramLabel = "S", description = "frames are resized to S x S (default: ${DEFAULT-VALUE})")
    int imageSize;

    @Option(names = "--side-by-side", description = "also write DIR/<name>" + SIDE_BY_SIDE_SUFFIX + ".mp4: original | reconstruction")
    boolean sideBySide;

    @Option(names = "--chunk", defaultValue = "" + Reconstructor.DEFAULT_CHUNK_FRAMES, paramLabel = "N",
            description = "clips longer than 1+N frames are encoded N frames at a time after the first (causal cache; default: ${DEFAULT-VALUE})")
    int chunk;

    @Option(names = "--fps", defaultValue = "16", description = "frame rate of the written videos (default: ${DEFAULT-VALUE}, as reconstruction.py)")
    double fps;

    @Option(names = "--lpips-vgg", paramLabel = "F", description = "torchvision VGG16 weights (vgg16-397923af.pth or .safetensors) for LPIPS "
            + "(default: the config's loss_config lpips_vgg_path)")
    Path lpipsVgg;

    @Option(names = "--lpips-lin", paramLabel = "F", description = "LPIPS heads (vgg.pth or .safetensors) (default: the config's loss_config lpips_lin_path)")
    Path lpipsLin;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** One input and the files it produces. */
    record Job(Path input, Path output, Path sideBySide) {}

    /** Metrics of one reconstruction (ssim and lpips NaN when not computed). */
    record Result(double psnr, double ssim, double lpips, int frames, double seconds) {}

    @Override public Integer call() {
        ModelOptions.requireF32(spec);
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        int frames = checkArguments(err);
        Path cfg = configPath();
        ModelConfig mc = ConfigFile.read(cfg, sets);
        int sf = mc.encoder().spatialFactor();
        if (imageSize % sf != 0)
            throw new IllegalArgumentException("--image-size " + imageSize + ": must be a multiple of " + sf + " (the spatial compression of " + cfg + ")");
        Path weights = checkpointPath();
        boolean folder = Files.isDirectory(input);
        List<Job> jobs = jobs(folder);
        List<Path> created = checkOutputFolder();
        VideoAutoencoder model = loadModel(mc, weights, err);
        String[] noLpips = new String[1];
        LpipsMetric lpips = lpips(mc, noLpips);
        Reconstructor rec = new Reconstructor(model, chunk);
        if (rec.forcedOnePass(frames))
            err.println("ssvae: note: " + cfg + ": this model cannot run in chunks (GroupNorm or temporal interpolation); " + frames + " frames go in one pass");
        err.flush();
        createFolder(created);

        ProgressBar bar = new ProgressBar(err, ProgressBar.interactive());
        List<Result> results = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < jobs.size(); i++) {
            Job job = jobs.get(i);
            String label = (jobs.size() > 1 ? "[" + (i + 1) + "/" + jobs.size() + "] " : "") + job.input().getFileName();
            try {
                Result r = reconstruct(job, rec, lpips, frames, bar, label);
                bar.clear();
                results.add(r);
                out.println(line(job, r));
                out.flush();
            } catch (RuntimeException e) {
                bar.clear();
                if (!folder) {
                    removeIfEmpty(created);
                    throw e;
                }
                failed++;
                if (spec.root().userObject() instanceof Main m && m.verbose) e.printStackTrace(err);
                else err.println("ssvae: " + message(e));
                err.flush();
            }
        }
        if (folder) {
            out.println(summary(results, failed));
            out.flush();
        }
        if (results.isEmpty()) removeIfEmpty(created);
        else if (lpips == null) err.println("ssvae: note: LPIPS is not reported: " + noLpips[0]);
        err.flush();
        return failed == 0 ? 0 : 1;
    }

    // ------------------------------------------------------------------ arguments and files

    /** Validates the numeric options; returns the frame count rounded to 1+4k (with a warning when it changes). */
    private int checkArguments(PrintWriter err) {
        if (numFrames < 1) throw new IllegalArgumentException("--num-frames " + numFrames + ": must be at least 1");
        if (imageSize < 2 || imageSize % 2 != 0) throw new IllegalArgumentException("--image-size " + imageSize + ": must be a positive even number (H.264 yuv420p)");
        if (chunk < 1) throw new IllegalArgumentException("--chunk " + chunk + ": must be at least 1");
        if (!(fps > 0) || Double.isInfinite(fps)) throw new IllegalArgumentException("--fps " + fps + ": must be positive");
        if (randomWeights && checkpoint != null) throw new IllegalArgumentException("--checkpoint and --random-weights exclude each other");
        if (FrameCounts.isValid(numFrames)) return numFrames;
        int r = 1 + 4 * (int) Math.floor((numFrames - 1) / 4.0 + 0.5);   // nearest 1+4k, ties up (FrameCounts.round4kPlus1)
        err.println("ssvae: warning: --num-frames " + numFrames + " is not 1+4k; using " + r);
        return r;
    }

    private Path configPath() {
        if (config != null) return config;
        return DefaultModel.config().orElseThrow(() -> new IllegalArgumentException(
                "no --config given and the default model " + DefaultModel.configName() + " is not in this checkout; pass --config C --checkpoint W"));
    }

    /** The checkpoint to load, or null for --random-weights. */
    private Path checkpointPath() {
        if (randomWeights) return null;
        if (checkpoint != null) {
            if (!Files.exists(checkpoint)) throw new IllegalArgumentException(checkpoint + ": no such file");
            if (!Files.isRegularFile(checkpoint)) throw new IllegalArgumentException(checkpoint + ": not a regular file");
            return checkpoint;
        }
        return DefaultModel.checkpoint().orElseThrow(() -> new IllegalArgumentException(
                "no --checkpoint given and the default checkpoint " + DefaultModel.checkpointName()
                        + " does not exist yet; pass --checkpoint W (or --random-weights to run untrained weights)"));
    }

    /** The inputs (one file, or the videos of a folder in name order) with their output names. */
    private List<Job> jobs(boolean folder) {
        List<Path> videos = new ArrayList<>();
        if (folder) {
            try (Stream<Path> s = Files.list(input)) {
                s.filter(p -> isVideoName(p) && Files.isRegularFile(p)).sorted().forEach(videos::add);
            } catch (IOException e) {
                throw new IllegalArgumentException(input + ": cannot list the folder (" + e.getMessage() + ")");
            }
            if (videos.isEmpty()) throw new IllegalArgumentException(input + ": no video files (" + String.join(", ", VIDEO_EXTENSIONS.stream().sorted().toList()) + ")");
        } else {
            if (!Files.exists(input)) throw new IllegalArgumentException(input + ": no such file");
            if (!Files.isRegularFile(input)) throw new IllegalArgumentException(input + ": not a regular file");
            if (!Files.isReadable(input)) throw new IllegalArgumentException(input + ": not readable (permission denied)");
            videos.add(input);
        }
        List<Job> jobs = new ArrayList<>();
        Map<Path, Path> claimed = new HashMap<>();
        for (Path v : videos) {
            String stem = stem(v);
            Path o = output.resolve(stem + ".mp4");
            Path s = sideBySide ? output.resolve(stem + SIDE_BY_SIDE_SUFFIX + ".mp4") : null;
            for (Path p : s == null ? List.of(o) : List.of(o, s)) {
                Path key = p.toAbsolutePath().normalize();
                Path other = claimed.put(key, v);
                if (other != null) throw new IllegalArgumentException(p + ": both " + other.getFileName() + " and " + v.getFileName() + " would be written there; rename one");
                for (Path in : videos) {
                    if (sameFile(in, p)) throw new IllegalArgumentException(p + ": the output would overwrite the input " + in + "; choose another --output folder");
                }
            }
            jobs.add(new Job(v, o, s));
        }
        return jobs;
    }

    static boolean isVideoName(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return !n.startsWith(".") && dot > 0 && VIDEO_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static boolean sameFile(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) return true;
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Checks that the output folder exists and takes files, or can be created; creates nothing. Returns the
     * folders that will have to be created, outermost first.
     */
    private List<Path> checkOutputFolder() {
        Path dir = output.toAbsolutePath().normalize();
        List<Path> missing = new ArrayList<>();
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            missing.addFirst(existing);
            existing = existing.getParent();
        }
        if (existing == null) throw new IllegalArgumentException(output + ": cannot create the output folder (no existing parent)");
        if (!Files.isDirectory(existing))
            throw new IllegalArgumentException(output + ": " + (missing.isEmpty() ? "exists and is not a folder" : existing + " is a file, not a folder"));
        try {
            Files.delete(Files.createTempFile(existing, ".ssvae-write-check.", ".tmp"));
        } catch (IOException e) {
            throw new IllegalArgumentException(output + ": " + (missing.isEmpty() ? "the output folder is not writable" : "cannot create the output folder in " + existing)
                    + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        return missing;
    }

    private void createFolder(List<Path> missing) {
        if (missing.isEmpty()) return;
        try {
            Files.createDirectories(missing.getLast());
        } catch (IOException e) {
            throw new IllegalArgumentException(output + ": cannot create the output folder (" + e.getMessage() + ")");
        }
    }

    /** Removes the folders this run created when nothing was written into them. */
    private static void removeIfEmpty(List<Path> created) {
        for (Path d : created.reversed()) {
            try {
                Files.deleteIfExists(d);
            } catch (IOException e) {
                return;   // not empty (or not ours to remove): keep it
            }
        }
    }

    // ------------------------------------------------------------------ model

    /** The model with the checkpoint's weights (ignore_keys of the config honoured), or random weights. */
    private VideoAutoencoder loadModel(ModelConfig mc, Path weights, PrintWriter err) {
        if (!Device.getDefault().isCpu())
            throw new IllegalArgumentException("--device " + Device.getDefault() + ": reconstruct runs on the CPU backend for now; use --device cpu");
        VideoAutoencoder m = mc.build();
        if (weights == null) {
            m.allocate(DType.F32, Device.CPU, new Generator(seed));
            err.println("ssvae: note: --random-weights: untrained weights (seed " + seed + "); the reconstruction will not resemble the input");
        } else {
            List<String> ignore = new ArrayList<>();
            if (mc.engineOptions().get("ignore_keys") instanceof List<?> l) for (Object o : l) ignore.add(String.valueOf(o));
            Weights.Report r;
            try {
                r = Weights.load(m, weights, ignore);
            } catch (RuntimeException e) {
                String msg = message(e);
                throw new IllegalArgumentException(msg.startsWith(weights.toString()) ? msg : weights + ": " + msg, e);
            }
            if (!r.ignored().isEmpty())
                err.println("ssvae: note: " + weights + ": ignored " + r.ignored().size() + " training-only keys (loss., model_ema. and the config's ignore_keys), e.g. " + r.ignored().get(0));
            if (!r.unexpected().isEmpty())
                err.println("ssvae: note: " + weights + ": skipped " + r.unexpected().size() + " key(s) that are not part of the model: " + head(r.unexpected()));
        }
        m.train(false);
        return m;
    }

    /**
     * LPIPS from --lpips-vgg/--lpips-lin (a bad file is an error), else from the config's loss_config paths when
     * both files exist; null with the reason in why[0] otherwise.
     */
    private LpipsMetric lpips(ModelConfig mc, String[] why) {
        if ((lpipsVgg == null) != (lpipsLin == null)) throw new IllegalArgumentException("--lpips-vgg and --lpips-lin go together");
        if (lpipsVgg != null) return LpipsMetric.load(lpipsVgg, lpipsLin);
        JsonNode p = mc.lossConfig() == null ? null : mc.lossConfig().get("params");
        String vgg = p == null || p.get("lpips_vgg_path") == null ? "" : p.get("lpips_vgg_path").asText("");
        String lin = p == null || p.get("lpips_lin_path") == null ? "" : p.get("lpips_lin_path").asText("");
        if (vgg.isEmpty() || lin.isEmpty()) {
            why[0] = "no LPIPS weights (pass --lpips-vgg vgg16-397923af.pth --lpips-lin vgg.pth)";
            return null;
        }
        for (String f : List.of(vgg, lin)) {
            if (!Files.isRegularFile(Path.of(f))) {
                why[0] = "the config's LPIPS weight file " + f + " does not exist";
                return null;
            }
        }
        return LpipsMetric.load(Path.of(vgg), Path.of(lin));
    }

    private static String head(List<String> keys) {
        return keys.size() <= 5 ? String.join(", ", keys) : String.join(", ", keys.subList(0, 5)) + " and " + (keys.size() - 5) + " more";
    }

    // ------------------------------------------------------------------ one video

    private Result reconstruct(Job job, Reconstructor rec, LpipsMetric lpips, int frames, ProgressBar bar, String label) {
        long t0 = System.nanoTime();
        Clip clip = ClipLoader.reconstructionClip(job.input(), frames, imageSize);
        int t = clip.frames(), h = clip.height(), w = clip.width();
        Tensor y;
        try {
            y = rec.reconstruct(Tensor.fromArray(clip.data(), 1, 3, t, h, w), (phase, done, total) -> bar.update(label, phase, done, total));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(job.input() + ": " + message(e), e);
        }
        List<byte[]> original = Frames.rgb(clip.data(), t, h, w), recon = Frames.rgb(y.toFloatArray(), t, h, w);
        double psnr = Psnr.psnr(original, recon, 3 * h * w);
        double ssim = Math.min(h, w) >= Ssim.WIN ? Ssim.clip(original, recon, h, w) : Double.NaN;
        if (lpips != null) bar.update(label, "lpips", 1, 1);
        double lp = lpips == null ? Double.NaN : lpips.distance(original, recon, h, w);
        try (OutputGroup g = new OutputGroup()) {
            write(g, job.output(), recon, w, h);
            if (job.sideBySide() != null) write(g, job.sideBySide(), Frames.sideBySide(original, recon, h, w), 2 * w, h);
            g.commit();
        } catch (IOException e) {
            throw new DataException(job.output() + ": cannot write (" + e.getMessage() + ")", e);
        }
        return new Result(psnr, ssim, lp, t, (System.nanoTime() - t0) / 1e9);
    }

    /** Writes frames under the group's temporary name for target; errors name target, not the temporary file. */
    private void write(OutputGroup g, Path target, List<byte[]> frames, int width, int height) {
        Path tmp = g.stage(target);
        try {
            VideoWriter.write(tmp, frames, width, height, fps);
        } catch (DataException e) {
            String m = message(e);
            throw new DataException(target + (m.startsWith(tmp.toString()) ? m.substring(tmp.toString().length()) : ": " + m), e);
        }
    }

    // ------------------------------------------------------------------ output lines

    private String line(Job job, Result r) {
        String ssim = Double.isNaN(r.ssim()) ? "n/a (frames under 11x11)" : String.format(Locale.ROOT, "%.6f", r.ssim());
        String lp = Double.isNaN(r.lpips()) ? "" : String.format(Locale.ROOT, "  LPIPS %.6f", r.lpips());
        return String.format(Locale.ROOT, "%s: PSNR %s dB  SSIM %s%s  %d frames %dx%d  %.2f s  -> %s%s", job.input().getFileName(), db(r.psnr()), ssim, lp,
                r.frames(), imageSize, imageSize, r.seconds(), job.output(), job.sideBySide() == null ? "" : ", " + job.sideBySide().getFileName());
    }

    static String summary(List<Result> results, int failed) {
        String tail = failed == 0 ? "" : String.format(Locale.ROOT, "  (%d failed)", failed);
        if (results.isEmpty()) return "summary: no video reconstructed" + tail;
        double p = 0, s = 0, l = 0, secs = 0;
        int ns = 0, nl = 0;
        for (Result r : results) {
            p += r.psnr();
            secs += r.seconds();
            if (!Double.isNaN(r.ssim())) { s += r.ssim(); ns++; }
            if (!Double.isNaN(r.lpips())) { l += r.lpips(); nl++; }
        }
        String ssim = ns == 0 ? "n/a" : String.format(Locale.ROOT, "%.6f", s / ns);
        String lp = nl == 0 ? "" : String.format(Locale.ROOT, "  mean LPIPS %.6f", l / nl);
        return String.format(Locale.ROOT, "summary: %d video%s  mean PSNR %s dB  mean SSIM %s%s  %.2f s%s", results.size(), results.size() == 1 ? "" : "s",
                db(p / results.size()), ssim, lp, secs, tail);
    }

    private static String db(double v) { return Double.isInfinite(v) ? "inf" : String.format(Locale.ROOT, "%.4f", v); }

    private static String message(Throwable e) { return e.getMessage() == null ? e.toString() : e.getMessage(); }
}
