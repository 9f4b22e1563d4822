package ssvae.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.io.SafetensorsWriter;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;
import ssvae.vae.config.ConfigFile;
import ssvae.vae.data.Clip;
import ssvae.vae.data.ClipLoader;
import ssvae.vae.inference.DefaultModel;
import ssvae.vae.inference.Frames;
import ssvae.vae.inference.LpipsMetric;
import ssvae.vae.lpips.Lpips;
import ssvae.vae.metrics.Psnr;
import ssvae.vae.metrics.Ssim;
import ssvae.vae.model.VideoAutoencoder;
import ssvae.vae.video.RgbClip;
import ssvae.vae.video.VideoReader;
import ssvae.vae.video.VideoWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** ssvae reconstruct end to end on the tiny CPU config (32x32, 5-9 frames) and its bad-input behaviour. */
class ReconstructCommandTest {
    @TempDir Path dir;
    Path cfg, weights, video;
    VideoAutoencoder model;

    static Path sharedVideo(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path v = p.resolveSibling("shared").resolve("data").resolve("videos").resolve(name);
            if (Files.isRegularFile(v)) return v;
            v = p.resolve("shared").resolve("data").resolve("videos").resolve(name);
            if (Files.isRegularFile(v)) return v;
        }
        throw new IllegalStateException("shared test video " + name + " not found: expected ../shared/data/videos beside the project");
    }

    @BeforeEach
    void setUp() {
        cfg = ModelCommandsTest.configs().resolve("tiny_inference.yaml");
        model = ConfigFile.read(cfg).build();
        model.allocate(DType.F32, Device.CPU, new Generator(7));
        model.train(false);
        weights = dir.resolve("w.safetensors");
        SafetensorsWriter.write(weights, model.stateDict());
        video = sharedVideo("0001.mp4");
    }

    static ConvertCommandTest.Run run(String... args) { return ConvertCommandTest.run(args); }

    ConvertCommandTest.Run reconstruct(Path in, Path out, String... more) {
        List<String> given = List.of(more);
        List<String> a = new ArrayList<>(List.of("reconstruct", "--config", cfg.toString(), "--input", in.toString(), "--output", out.toString()));
        if (!given.contains("--image-size")) a.addAll(List.of("--image-size", "32"));
        if (!given.contains("--num-frames")) a.addAll(List.of("--num-frames", "5"));
        if (!given.contains("--random-weights") && !given.contains("--checkpoint")) a.addAll(List.of("--checkpoint", weights.toString()));
        a.addAll(List.of(more));
        return run(a.toArray(String[]::new));
    }

    static List<String> names(Path d) throws IOException {
        if (!Files.exists(d)) return List.of();
        try (Stream<Path> s = Files.list(d)) { return s.map(p -> p.getFileName().toString()).sorted().toList(); }
    }

    static double printed(String out, String what) {
        Matcher m = Pattern.compile(what + " ([0-9.]+)").matcher(out);
        assertTrue(m.find(), "no " + what + " in: " + out);
        return Double.parseDouble(m.group(1));
    }

    /** Asserts a failed run: exit 1, one line on stderr naming what and saying problem. */
    static void assertOneLineError(ConvertCommandTest.Run r, String what, String problem) {
        assertEquals(1, r.code(), r.out() + r.err());
        String e = r.err().strip();
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.startsWith("ssvae: "), e);
        assertTrue(e.contains(what), "'" + what + "' not named in: " + e);
        assertTrue(e.toLowerCase(Locale.ROOT).contains(problem.toLowerCase(Locale.ROOT)), "'" + problem + "' not said in: " + e);
    }

    // ------------------------------------------------------------------ results

    @Test
    void reconstructsAVideoWithSideBySideAndExactMetrics() throws IOException {
        Path out = dir.resolve("out").resolve("nested");
        ConvertCommandTest.Run r = reconstruct(video, out, "--side-by-side");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("0001.mp4", "0001_side_by_side.mp4"), names(out), "only the two outputs, no temporary files");
        assertEquals(1, r.out().lines().count(), r.out());
        assertTrue(r.out().startsWith("0001.mp4: PSNR "), r.out());
        assertEquals(1, r.err().lines().filter(l -> l.contains("LPIPS")).count(), r.err());

        // the printed metrics are those of the model's reconstruction of the official clip, quantised as save_video
        Clip clip = ClipLoader.reconstructionClip(video, 5, 32);
        Tensor y;
        try (var g = GradMode.noGrad()) {
            Tensor x = Tensor.fromArray(clip.data(), 1, 3, 5, 32, 32);
            y = model.decode(model.denormalise(model.latentFromMoments(model.encodeMoments(x)))).contiguous();
        }
        List<byte[]> orig = Frames.rgb(clip.data(), 5, 32, 32), rec = Frames.rgb(y.toFloatArray(), 5, 32, 32);
        // Identical forward passes in one JVM differ by ~1e-6 (float summation order of the kernels before and after
        // JIT compilation), which can move a few 8-bit values by one: PSNR/SSIM agree to that, not bit for bit.
        assertEquals(Psnr.psnr(orig, rec, 3 * 32 * 32), printed(r.out(), "PSNR"), 5e-3);
        assertEquals(Ssim.clip(orig, rec, 32, 32), printed(r.out(), "SSIM"), 5e-4);

        RgbClip written = VideoReader.readAll(out.resolve("0001.mp4"));
        assertEquals(5, written.frameCount());
        assertEquals(32, written.width());
        assertEquals(32, written.height());
        assertEquals(16.0, written.fps(), 1e-6);
        // H.264 (openh264 at this size) keeps ~25 dB of the noise-like random-weight output and ~33 dB of natural frames
        double toRec = Psnr.psnr(rec, written.frames(), 3 * 32 * 32), toOrig = Psnr.psnr(orig, written.frames(), 3 * 32 * 32);
        assertTrue(toRec > 20 && toRec > toOrig + 10, "the mp4 holds the reconstruction: " + toRec + " dB to it, " + toOrig + " dB to the original");

        RgbClip sbs = VideoReader.readAll(out.resolve("0001_side_by_side.mp4"));
        assertEquals(64, sbs.width());
        assertEquals(32, sbs.height());
        assertEquals(5, sbs.frameCount());
        List<byte[]> left = new ArrayList<>(), right = new ArrayList<>();
        for (byte[] f : sbs.frames()) {
            byte[] a = new byte[3 * 32 * 32], b = new byte[3 * 32 * 32];
            for (int row = 0; row < 32; row++) {
                System.arraycopy(f, row * 192, a, row * 96, 96);
                System.arraycopy(f, row * 192 + 96, b, row * 96, 96);
            }
            left.add(a);
            right.add(b);
        }
        assertTrue(Psnr.psnr(orig, left, 3 * 32 * 32) > 25, "original on the left");
        assertTrue(Psnr.psnr(rec, right, 3 * 32 * 32) > 20, "reconstruction on the right");
        assertTrue(Psnr.psnr(rec, right, 3 * 32 * 32) > Psnr.psnr(orig, right, 3 * 32 * 32) + 10, "reconstruction on the right");
    }

    @Test
    void lightningCheckpointIgnoresLossKeysAndReportsExtraKeys() throws IOException {
        ConvertCommandTest.Run base = reconstruct(video, dir.resolve("a"));
        assertEquals(0, base.code(), base.err());
        LinkedHashMap<String, Tensor> sd = new LinkedHashMap<>(model.stateDict());
        sd.put("loss.logvar", Tensor.zeros(1));
        sd.put("loss.discriminator.main.0.weight", Tensor.ones(2, 3));
        sd.put("extra.bias", Tensor.ones(4));
        Path ckpt = dir.resolve("last.ckpt");
        TorchZipFixture.write(ckpt, sd);
        ConvertCommandTest.Run r = reconstruct(video, dir.resolve("b"), "--checkpoint", ckpt.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("ignored 2 training-only keys"), r.err());
        assertTrue(r.err().contains("skipped 1 key(s) that are not part of the model: extra.bias"), r.err());
        assertEquals(printed(base.out(), "PSNR"), printed(r.out(), "PSNR"), 5e-3, "same weights, same result");
        assertEquals(printed(base.out(), "SSIM"), printed(r.out(), "SSIM"), 5e-4);
    }

    @Test
    void lpipsWhenWeightsAreGiven() throws IOException {
        // an LPIPS state dict (random VGG weights: the plumbing, not the published numbers) in both slots
        Path lp = dir.resolve("lpips.safetensors");
        SafetensorsWriter.write(lp, new Lpips(new Generator(5)).stateDict());
        ConvertCommandTest.Run r = reconstruct(video, dir.resolve("o"), "--lpips-vgg", lp.toString(), "--lpips-lin", lp.toString());
        assertEquals(0, r.code(), r.err());
        assertFalse(r.err().contains("LPIPS"), r.err());
        Clip clip = ClipLoader.reconstructionClip(video, 5, 32);
        Tensor y;
        try (var g = GradMode.noGrad()) {
            y = model.decode(model.denormalise(model.latentFromMoments(model.encodeMoments(Tensor.fromArray(clip.data(), 1, 3, 5, 32, 32))))).contiguous();
        }
        double expect = LpipsMetric.load(lp, lp).distance(Frames.rgb(clip.data(), 5, 32, 32), Frames.rgb(y.toFloatArray(), 5, 32, 32), 32, 32);
        assertEquals(expect, printed(r.out(), "LPIPS"), 1e-3 * Math.abs(expect) + 1e-6, r.out());

        assertOneLineError(reconstruct(video, dir.resolve("o2"), "--lpips-vgg", lp.toString()), "--lpips-lin", "go together");
        Path none = dir.resolve("vgg16.pth");
        assertOneLineError(reconstruct(video, dir.resolve("o2"), "--lpips-vgg", none.toString(), "--lpips-lin", lp.toString()), none.toString(), "does not exist");
        assertFalse(Files.exists(dir.resolve("o2")));

        // paths in the config's loss_config are used when present; missing files only drop LPIPS, with the reason
        Path withLoss = dir.resolve("with_loss.yaml");
        Files.writeString(withLoss, Files.readString(cfg).replace("    regularizer_config:", "    loss_config:\n      target: torch.nn.Identity\n      params:\n"
                + "        lpips_vgg_path: " + none + "\n        lpips_lin_path: " + lp + "\n    regularizer_config:"));
        r = run("reconstruct", "--config", withLoss.toString(), "--checkpoint", weights.toString(), "--input", video.toString(),
                "--output", dir.resolve("o3").toString(), "--image-size", "32", "--num-frames", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("LPIPS is not reported: the config's LPIPS weight file " + none + " does not exist"), r.err());
    }

    @Test
    void roundsFrameCountsAndChunksLongInputs() throws IOException {
        ConvertCommandTest.Run r = reconstruct(video, dir.resolve("r"), "--num-frames", "6");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("--num-frames 6 is not 1+4k; using 5"), r.err());
        assertEquals(5, VideoReader.readAll(dir.resolve("r").resolve("0001.mp4")).frameCount());

        ConvertCommandTest.Run one = reconstruct(video, dir.resolve("one"), "--num-frames", "9");
        ConvertCommandTest.Run chunked = reconstruct(video, dir.resolve("chunked"), "--num-frames", "9", "--chunk", "4");
        assertEquals(0, one.code(), one.err());
        assertEquals(0, chunked.code(), chunked.err());
        assertTrue(one.out().contains(" 9 frames 32x32"), one.out());
        assertEquals(printed(one.out(), "PSNR"), printed(chunked.out(), "PSNR"), 0.01, "the causal chunked path gives the one-pass result");
        assertEquals(printed(one.out(), "SSIM"), printed(chunked.out(), "SSIM"), 1e-3);
    }

    @Test
    void randomWeightsAndTheDefaultCheckpoint() {
        ConvertCommandTest.Run r = run("reconstruct", "--config", cfg.toString(), "--input", video.toString(), "--output", dir.resolve("o").toString(),
                "--image-size", "32", "--num-frames", "5", "--random-weights", "--seed", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("--random-weights: untrained weights (seed 3)"), r.err());
        assertTrue(r.out().contains("PSNR"), r.out());

        r = run("reconstruct", "--config", cfg.toString(), "--input", video.toString(), "--output", dir.resolve("d").toString(),
                "--image-size", "32", "--num-frames", "5");
        if (DefaultModel.checkpoint().isEmpty()) {
            assertOneLineError(r, DefaultModel.checkpointName().toString(), "does not exist yet");
            assertTrue(r.err().contains("--random-weights"), r.err());
            assertFalse(Files.exists(dir.resolve("d")));
        } else {
            // once the trained default model is in the repository, it is what runs (with its own config)
            r = run("reconstruct", "--input", video.toString(), "--output", dir.resolve("d").toString(), "--image-size", "64", "--num-frames", "5");
            assertEquals(0, r.code(), r.err());
        }
    }

    /** Writes a synthetic h x w video of t frames (moving gradient) with the project's writer. */
    static void synthetic(Path file, int t, int h, int w, int seed) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            byte[] f = new byte[3 * h * w];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int p = 3 * (y * w + x);
                    f[p] = (byte) (4 * x + 8 * i + seed);
                    f[p + 1] = (byte) (5 * y + seed * 3);
                    f[p + 2] = (byte) ((x * y + i * 16) & 0xff);
                }
            frames.add(f);
        }
        VideoWriter.write(file, frames, w, h, 16);
    }

    @Test
    void folderOfVideosGivesOneLineEachAndASummary() throws IOException {
        Path in = dir.resolve("videos");
        Files.createDirectories(in);
        synthetic(in.resolve("b.mp4"), 9, 40, 48, 1);
        synthetic(in.resolve("a.mov"), 7, 36, 36, 2);
        Files.writeString(in.resolve("notes.txt"), "not a video");
        Path out = dir.resolve("out");
        ConvertCommandTest.Run r = reconstruct(in, out);
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("a.mov: PSNR "), r.out());
        assertTrue(lines.get(1).startsWith("b.mp4: PSNR "), r.out());
        assertTrue(lines.get(2).startsWith("summary: 2 videos  mean PSNR "), r.out());
        double mean = (printed(lines.get(0), "PSNR") + printed(lines.get(1), "PSNR")) / 2;
        assertEquals(mean, printed(lines.get(2), "mean PSNR"), 1e-4);
        assertEquals(List.of("a.mp4", "b.mp4"), names(out));

        // a broken file: its own error line, the others still done, non-zero exit, nothing written for it
        Files.writeString(in.resolve("broken.mp4"), "this is text, not a video\n");
        Path out2 = dir.resolve("out2");
        r = reconstruct(in, out2);
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("ssvae: ") && l.contains("broken.mp4")).count(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("summary: 2 videos") && l.endsWith("(1 failed)")), r.out());
        assertEquals(List.of("a.mp4", "b.mp4"), names(out2));

        // a folder without videos
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        assertOneLineError(reconstruct(empty, dir.resolve("o3")), empty.toString(), "no video files");

        // outputs that would overwrite an input, or two inputs writing one output
        assertOneLineError(reconstruct(in, in), "b.mp4", "would overwrite the input");
        synthetic(in.resolve("a.mkv"), 5, 32, 32, 3);
        Files.delete(in.resolve("broken.mp4"));
        assertOneLineError(reconstruct(in, dir.resolve("o4")), "a.mp4", "both a.mkv and a.mov");
        assertFalse(Files.exists(dir.resolve("o4")));
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void missingTextAndTruncatedInputs() throws IOException {
        Path out = dir.resolve("out");
        Path missing = dir.resolve("nothing.mp4");
        assertOneLineError(reconstruct(missing, out), missing.toString(), "no such file");
        assertFalse(Files.exists(out), "no output folder for a failed run");

        Path text = dir.resolve("notes.mp4");
        Files.writeString(text, "just some text\n".repeat(20));
        assertOneLineError(reconstruct(text, out), text.toString(), "not a readable video");
        assertFalse(Files.exists(out));

        byte[] whole = Files.readAllBytes(video);
        Path cut = dir.resolve("cut.mp4");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length * 6 / 10));
        ConvertCommandTest.Run r = reconstruct(cut, out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains(cut.toString()) && (r.err().contains("truncated") || r.err().contains("not a readable video")), r.err());
        assertFalse(Files.exists(out));

        // an existing output folder keeps exactly what it had
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertOneLineError(reconstruct(text, out), text.toString(), "not a readable video");
        assertEquals(List.of("keep.txt"), names(out));
    }

    @Test
    void badOutputFolders() throws IOException {
        Path file = dir.resolve("taken");
        Files.writeString(file, "a file");
        assertOneLineError(reconstruct(video, file), file.toString(), "not a folder");
        Path under = file.resolve("sub");
        assertOneLineError(reconstruct(video, under), under.toString(), "is a file, not a folder");
        assertEquals("a file", Files.readString(file));
    }

    @Test
    void badCheckpoints() throws IOException {
        Path out = dir.resolve("out");
        // a tensor of the wrong shape: the key and the file are named
        LinkedHashMap<String, Tensor> sd = new LinkedHashMap<>(model.stateDict());
        sd.put("encoder.conv_in.conv.weight", Tensor.zeros(8, 3, 3, 3, 2));
        Path wrong = dir.resolve("wrong.safetensors");
        SafetensorsWriter.write(wrong, sd);
        ConvertCommandTest.Run r = reconstruct(video, out, "--checkpoint", wrong.toString());
        assertOneLineError(r, wrong.toString(), "encoder.conv_in.conv.weight");
        assertTrue(r.err().contains("[8, 3, 3, 3, 2]"), r.err());
        assertFalse(Files.exists(out));

        // the same in a Lightning checkpoint
        Path wrongCkpt = dir.resolve("wrong.ckpt");
        TorchZipFixture.write(wrongCkpt, sd);
        assertOneLineError(reconstruct(video, out, "--checkpoint", wrongCkpt.toString()), wrongCkpt.toString(), "encoder.conv_in.conv.weight");

        // keys of another model: the missing ones are named
        sd = new LinkedHashMap<>(model.stateDict());
        sd.remove("decoder.conv_in.conv.weight");
        Path partial = dir.resolve("partial.safetensors");
        SafetensorsWriter.write(partial, sd);
        assertOneLineError(reconstruct(video, out, "--checkpoint", partial.toString()), partial.toString(), "decoder.conv_in.conv.weight");

        Path none = dir.resolve("none.safetensors");
        assertOneLineError(reconstruct(video, out, "--checkpoint", none.toString()), none.toString(), "no such file");

        Path junk = dir.resolve("junk.ckpt");
        Files.writeString(junk, "not a checkpoint");
        r = reconstruct(video, out, "--checkpoint", junk.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().strip().lines().count() == 1 && r.err().contains(junk.toString()), r.err());

        assertOneLineError(reconstruct(video, out, "--checkpoint", weights.toString(), "--random-weights"), "--random-weights", "exclude each other");
        assertFalse(Files.exists(out));
    }

    @Test
    void badConfigsAndOptions() throws IOException {
        Path out = dir.resolve("out");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(cfg).replace("num_res_blocks: 1", "num_res_blocks: 1\n        num_res_blockz: 2"));
        ConvertCommandTest.Run r = run("reconstruct", "--config", bad.toString(), "--checkpoint", weights.toString(), "--input", video.toString(),
                "--output", out.toString(), "--image-size", "32", "--num-frames", "5");
        assertOneLineError(r, bad.toString(), "num_res_blockz");
        assertTrue(r.err().contains("unknown key"), r.err());

        r = reconstruct(video, out, "--set", "model.params.decoder_config.params.chx=4");
        assertOneLineError(r, cfg.getFileName().toString(), "model.params.decoder_config.params.chx");

        assertOneLineError(run("reconstruct", "--config", dir.resolve("no.yaml").toString(), "--checkpoint", weights.toString(),
                "--input", video.toString(), "--output", out.toString()), "no.yaml", "file not found");
        assertOneLineError(reconstruct(video, out, "--image-size", "30"), "--image-size 30", "multiple of 4");
        assertOneLineError(reconstruct(video, out, "--num-frames", "0"), "--num-frames 0", "at least 1");
        assertOneLineError(reconstruct(video, out, "--chunk", "0"), "--chunk 0", "at least 1");
        assertFalse(Files.exists(out));
    }
}
