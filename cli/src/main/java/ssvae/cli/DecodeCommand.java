package ssvae.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ssvae.io.SafetensorsReader;
import ssvae.io.SafetensorsWriter;
import ssvae.tensor.DType;
import ssvae.tensor.GradMode;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;
import ssvae.vae.config.ModelConfig;
import ssvae.vae.model.VideoAutoencoder;
import ssvae.vae.video.VideoWriter;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * ssvae decode: "latent" [B, z, T', H', W'] (normalised as encode writes it) to x [B, 3, T, H, W], written as
 * safetensors key "x" or, for B = 1, as a video clamped to [-1, 1].
 */
@Command(name = "decode", mixinStandardHelpOptions = true, description = "Decode a latent (safetensors key latent) into x (.safetensors) or a video.")
final class DecodeCommand implements Callable<Integer> {
    @Mixin ModelOptions model;

    @Option(names = "--checkpoint", required = true, paramLabel = "W", description = "weights: .safetensors or a PyTorch .ckpt/.pt/.pth")
    Path checkpoint;

    @Option(names = "--input", required = true, paramLabel = "Z", description = ".safetensors with key latent")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "Y", description = "output: .safetensors (key x) or .mp4")
    Path output;

    @Option(names = "--chunk", paramLabel = "N", description = "decode N latent frames at a time after the first (causal cache; same result; memory stays flat in video length)")
    Integer chunk;

    @Option(names = "--fps", defaultValue = "16", description = "frame rate of a video output (default: ${DEFAULT-VALUE})")
    double fps;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        ModelOptions.requireF32(spec);
        String on = output.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean video = !on.endsWith(".safetensors");
        ModelConfig mc = model.read();
        Tensor latent;
        try (SafetensorsReader r = SafetensorsReader.open(input)) {
            if (!r.contains("latent")) throw new IllegalArgumentException(input + ": no tensor named 'latent' (has " + r.names() + ")");
            latent = r.load("latent").to(DType.F32);
        }
        int z = mc.decoder().zChannels();
        if (latent.dim() != 5 || latent.size(1) != z)
            throw new IllegalArgumentException(input + ": latent must be [B, " + z + ", T, H, W], got " + Shape.str(latent.shape()));
        if (video && latent.size(0) != 1) throw new IllegalArgumentException(output + ": a video holds one clip; the latent has batch " + latent.size(0));
        PrintWriter err = spec.commandLine().getErr();
        VideoAutoencoder m = ModelOptions.load(mc, checkpoint, err);
        Tensor x;
        try (var g = GradMode.noGrad()) {
            Tensor zz = m.denormalise(latent);
            x = (chunk == null ? m.decode(zz) : m.decodeChunked(zz, VideoAutoencoder.decoderPlan(zz.size(2), chunk))).contiguous();
        }
        if (video) {
            int[] s = x.shape();
            VideoWriter.writeSigned(output, x.clamp(-1, 1).contiguous().toFloatArray(), s[2], s[3], s[4], fps);
        } else {
            SafetensorsWriter.write(output, Map.of("x", x), Map.of("format", "pt"));
        }
        err.flush();
        return 0;
    }
}
