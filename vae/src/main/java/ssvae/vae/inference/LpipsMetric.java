package ssvae.vae.inference;

import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;
import ssvae.vae.lpips.Lpips;
import ssvae.vae.lpips.LpipsWeights;
import ssvae.vae.video.FrameConvert;

import java.nio.file.Path;
import java.util.List;

/**
 * LPIPS (VGG16) of a reconstruction as a video metric: the mean over frames of lpips(original_t, reconstruction_t),
 * both taken from their 8-bit frames back to [-1, 1] (v / 127.5 - 1), so it sees what PSNR and SSIM see.
 * Frames go through the network a few at a time to bound memory.
 */
public final class LpipsMetric {
    /** Frames per forward pass. */
    static final int BATCH = 4;
    private final Lpips lpips;

    private LpipsMetric(Lpips lpips) { this.lpips = lpips; }

    /** LPIPS with weights from torchvision's VGG16 file and the LPIPS heads file (see {@link LpipsWeights}). */
    public static LpipsMetric load(Path vgg, Path lin) {
        Lpips l = new Lpips(new Generator(0));
        LpipsWeights.load(l, vgg, lin);
        return new LpipsMetric(l);
    }

    /** Mean LPIPS distance over frames of two clips of packed RGB24 frames of h x w. */
    public double distance(List<byte[]> original, List<byte[]> reconstruction, int h, int w) {
        if (original.size() != reconstruction.size() || original.isEmpty())
            throw new IllegalArgumentException("LPIPS needs two clips of the same non-zero frame count, got " + original.size() + " and " + reconstruction.size());
        double sum = 0;
        try (var ng = GradMode.noGrad()) {
            for (int at = 0; at < original.size(); at += BATCH) {
                int n = Math.min(BATCH, original.size() - at);
                Tensor d = lpips.distance(batch(original, at, n, h, w), batch(reconstruction, at, n, h, w));
                for (float v : d.contiguous().toFloatArray()) sum += v;
            }
        }
        return sum / original.size();
    }

    /** Frames [at, at + n) as [n, 3, h, w] in [-1, 1]. */
    static Tensor batch(List<byte[]> frames, int at, int n, int h, int w) {
        int px = h * w;
        float[] d = new float[n * 3 * px];
        for (int i = 0; i < n; i++) FrameConvert.toPlanar(frames.get(at + i), px, d, i * 3 * px, px, true);
        return Tensor.fromArray(d, n, 3, h, w);
    }
}
