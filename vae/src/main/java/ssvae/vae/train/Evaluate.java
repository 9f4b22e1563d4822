package ssvae.vae.train;

import ssvae.io.SafetensorsReader;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;
import ssvae.vae.config.ConfigFile;
import ssvae.vae.data.ClipLoader;
import ssvae.vae.model.VideoAutoencoder;
import ssvae.vae.regularizers.GaussianRegularizer;
import ssvae.vae.regularizers.LocalCorrelation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Held-out numbers for a trained model: java ... ssvae.vae.train.Evaluate CONFIG MODEL.safetensors SIZE FRAMES VIDEO...
 * loads each video as reconstruction.py does (linspace frames, bilinear resize to SIZE x SIZE), reconstructs it
 * through the posterior mode and prints one JSON line per video (PSNR of 8-bit frames) and one for all of them
 * (mean PSNR, average local correlation of the latents, share of channel variance in the top 4 components).
 */
public final class Evaluate {
    private Evaluate() {}

    public static void main(String[] args) {
        if (args.length < 5) {
            System.err.println("usage: Evaluate CONFIG MODEL.safetensors SIZE FRAMES VIDEO...");
            System.exit(2);
        }
        VideoAutoencoder m = ConfigFile.read(Path.of(args[0])).build();
        m.allocate(DType.F32, Device.CPU, new Generator(0));
        m.loadStateDict(SafetensorsReader.read(Path.of(args[1])), true);
        m.train(false);
        int size = Integer.parseInt(args[2]), frames = Integer.parseInt(args[3]);
        List<Tensor> modes = new ArrayList<>();
        double sum = 0;
        long t0 = System.nanoTime();
        try (var ng = GradMode.noGrad()) {
            for (int i = 4; i < args.length; i++) {
                Tensor x = ClipLoader.reconstructionClip(Path.of(args[i]), frames, size).tensor().unsqueeze(0);
                Tensor mode = m.encodeMoments(x).chunk(2, 1).get(0);
                double p = Samples.psnr(x, m.decode(mode));
                sum += p;
                modes.add(mode);
                System.out.printf(Locale.ROOT, "{\"video\": \"%s\", \"psnr\": %.3f}%n", args[i], p);
            }
        }
        Tensor all = Tensor.cat(modes, 0);
        double lc = Double.NaN;
        try {
            lc = GaussianRegularizer.localCorrelation(all, new GaussianRegularizer.LcrConfig(new int[] {2, 2, 2}, new LocalCorrelation.Average(), true)).avg().item();
        } catch (IllegalArgumentException e) {
            System.err.println("local correlation skipped: " + e.getMessage());
        }
        System.out.printf(Locale.ROOT, "{\"videos\": %d, \"size\": %d, \"frames\": %d, \"psnr\": %.3f, \"avg_localcorr\": %.4f, \"top4_share\": %.4f, \"seconds\": %.1f}%n",
                args.length - 4, size, frames, sum / (args.length - 4), lc, LatentStats.topShare(all, 4), (System.nanoTime() - t0) / 1e9);
    }
}
