package ssvae.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ssvae.io.SafetensorsReader;
import ssvae.io.SafetensorsWriter;
import ssvae.tensor.GradMode;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;
import ssvae.vae.config.ModelConfig;
import ssvae.vae.model.VideoAutoencoder;
import ssvae.vae.regularizers.GaussianRegularizer;
import ssvae.vae.regularizers.LocalCorrelation;
import ssvae.vae.video.FrameConvert;
import ssvae.vae.video.RgbClip;
import ssvae.vae.video.VideoReader;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * ssvae encode: x [B, 3, T, H, W] in [-1, 1] (safetensors key "x", or a video file) to "moments" (the raw encoder
 * output) and "latent" (the posterior mean, normalised by the config's per-channel mean/std when present).
 */
@Command(name = "encode", mixinStandardHelpOptions = true, description = "Encode a tensor (safetensors key x) or a video into moments and latent.")
final class EncodeCommand implements Callable<Integer> {
    @Mixin ModelOptions model;

    @Option(names = "--checkpoint", required = true, paramLabel = "W", description = "weights: .safetensors or a PyTorch .ckpt/.pt/.pth")
    Path checkpoint;

    @Option(names = "--input", required = true, paramLabel = "X", description = ".safetensors with key x [B,3,T,H,W] in [-1,1], or a video (.mp4 ...)")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "Z", description = "output .safetensors (keys moments, latent)")
    Path output;

    @Option(names = "--stats", description = "print one JSON line: kl, lcr_image, lcr_video, lcr_avg")
    boolean stats;

    @Option(names = "--num-frames", paramLabel = "N", description = "video input: frames to use (1+4k; default: the most that fit)")
    Integer numFrames;

    @Option(names = "--chunk", paramLabel = "N", description = "encode in temporal chunks of N frames after the first (causal cache; same result; memory stays flat in video length)")
    Integer chunk;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() throws Exception {
        ModelOptions.requireF32(spec);
        if (!output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors"))
            throw new IllegalArgumentException(output + ": the output must be a .safetensors file");
        ModelConfig mc = model.read();
        PrintWriter err = spec.commandLine().getErr();
        Tensor x = readInput(mc, err);
        VideoAutoencoder m = ModelOptions.load(mc, checkpoint, err);
        Tensor moments, latent;
        try (var g = GradMode.noGrad()) {
            moments = chunk == null ? m.encodeMoments(x) : m.encodeMomentsChunked(x, m.encoderPlan(x.size(2), chunk));
            latent = m.latentFromMoments(moments).contiguous();
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("moments", moments.contiguous());
        out.put("latent", latent);
        SafetensorsWriter.write(output, out, Map.of("format", "pt"));
        if (stats) printStats(mc, m, moments);
        err.flush();
        return 0;
    }

    private Tensor readInput(ModelConfig mc, PrintWriter err) {
        String n = input.getFileName().toString().toLowerCase(Locale.ROOT);
        Tensor x;
        if (n.endsWith(".safetensors")) {
            try (SafetensorsReader r = SafetensorsReader.open(input)) {
                if (!r.contains("x")) throw new IllegalArgumentException(input + ": no tensor named 'x' (has " + r.names() + ")");
                x = r.load("x").to(ssvae.tensor.DType.F32);
            }
        } else {
            x = video(mc, err);
        }
        int c = mc.encoder().inChannels(), sf = mc.encoder().spatialFactor(), tf = mc.encoder().temporalFactor();
        int[] s = x.shape();
        if (s.length != 5 || s[1] != c) throw new IllegalArgumentException(input + ": x must be [B, " + c + ", T, H, W], got " + Shape.str(s));
        if ((s[2] - 1) % tf != 0) throw new IllegalArgumentException(input + ": x has " + s[2] + " frames; the encoder needs 1 + " + tf + "k");
        if (s[3] % sf != 0 || s[4] % sf != 0)
            throw new IllegalArgumentException(input + ": height and width " + s[3] + "x" + s[4] + " must be multiples of " + sf);
        return x;
    }

    /** A video as [1, 3, T, H, W] in [-1, 1] (x / 127.5 - 1), T rounded down to 1 + 4k with a note. */
    private Tensor video(ModelConfig mc, PrintWriter err) {
        RgbClip clip = VideoReader.readAll(input);
        int tf = mc.encoder().temporalFactor();
        int avail = clip.frameCount();
        int t = numFrames != null ? numFrames : (avail - 1) / tf * tf + 1;
        if (t < 1 || t > avail) throw new IllegalArgumentException("--num-frames " + t + ": the video has " + avail + " frames");
        if ((t - 1) % tf != 0) {
            int r = (t - 1) / tf * tf + 1;
            err.println("ssvae: note: " + t + " frames is not 1+" + tf + "k; using " + r);
            t = r;
        }
        int h = clip.height(), w = clip.width(), px = h * w;
        float[] d = new float[3 * t * px];
        for (int f = 0; f < t; f++) FrameConvert.toPlanar(clip.frame(f), px, d, f * px, t * px, true);
        return Tensor.fromArray(d, 1, 3, t, h, w);
    }

    /** kl = sum(KL)/B as the regulariser's kl_loss; LCR with the config's lcr_config, else window [2,2,2], average. */
    private void printStats(ModelConfig mc, VideoAutoencoder m, Tensor moments) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper om = new ObjectMapper();
        ObjectNode o = om.createObjectNode();
        try (var g = GradMode.noGrad()) {
            GaussianRegularizer reg = new GaussianRegularizer(false, false, false, null);
            o.put("kl", reg.forward(moments, null).log().get("kl_loss").item());
            GaussianRegularizer.LcrConfig lc = mc.lcr() != null ? mc.lcr()
                    : new GaussianRegularizer.LcrConfig(new int[] {2, 2, 2}, new LocalCorrelation.Average(), true);
            try {
                LocalCorrelation.Result r = GaussianRegularizer.localCorrelation(moments.chunk(2, 1).get(0), lc);
                o.put("lcr_image", r.image().item());
                if (r.video() == null) o.putNull("lcr_video"); else o.put("lcr_video", r.video().item());
                o.put("lcr_avg", r.avg().item());
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("ssvae: note: no local correlation: " + e.getMessage());
                o.putNull("lcr_image"); o.putNull("lcr_video"); o.putNull("lcr_avg");
            }
        }
        out.println(om.writeValueAsString(o));
        out.flush();
    }
}
