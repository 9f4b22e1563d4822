package ssvae.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ssvae.vae.metrics.VideoMetrics;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** ssvae metrics: PSNR and SSIM between a reference and a distorted video of the same size and frame count. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = {"PSNR (one MSE over all frames, pixels and RGB channels) and SSIM (Gaussian window 11, sigma 1.5,",
                "averaged over RGB channels and frames, as scikit-image) of two videos of the same size."})
public final class MetricsCommand implements Callable<Integer> {
    @Option(names = "--reference", required = true, description = "reference video")
    Path reference;

    @Option(names = "--distorted", required = true, description = "distorted video (same size and frame count)")
    Path distorted;

    @Option(names = "--json", description = "print one JSON line {\"psnr\": ..., \"ssim\": ..., \"frames\": N}")
    boolean json;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        VideoMetrics m = VideoMetrics.compare(reference, distorted);
        spec.commandLine().getOut().println(json ? m.toJson() : m.toText());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
