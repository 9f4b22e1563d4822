package ssvae.vae.regularizers;

import ssvae.tensor.Tensor;

import java.util.List;

/**
 * calc_local_corr.windowed_localcorr_z: the mean Pearson correlation between the latent vectors (over
 * channels) of all position pairs inside each window. Spatial windows (hw x ww) of frame 0 (the image term);
 * spatio-temporal windows (tw x hw x ww) of frames 1.. (the video term), combined by weight_type.
 * Differentiable (built from tensor ops).
 */
public final class LocalCorrelation {
    private LocalCorrelation() {}

    /** image, video (null for a single frame) and combined values, as 0-d tensors. */
    public record Result(Tensor image, Tensor video, Tensor avg) {}

    /** How the image and video terms are combined. */
    public sealed interface Weight permits Average, FrameWeight, WindowWeight, Explicit {}
    public record Average() implements Weight {}
    public record FrameWeight() implements Weight {}
    public record WindowWeight() implements Weight {}
    /** weight_type given as [a, b]: a * image + b * video. */
    public record Explicit(double image, double video) implements Weight {}

    public static Weight parseWeight(Object w) {
        if (w == null) return new Average();
        if (w instanceof String s) {
            return switch (s) {
                case "average" -> new Average();
                case "frame_weight" -> new FrameWeight();
                case "window_weight" -> new WindowWeight();
                default -> throw new IllegalArgumentException("weight_type must be average, frame_weight, window_weight or [a, b], got " + s);
            };
        }
        if (w instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number a && l.get(1) instanceof Number b)
            return new Explicit(a.doubleValue(), b.doubleValue());
        throw new IllegalArgumentException("weight_type must be average, frame_weight, window_weight or [a, b], got " + w);
    }

    /** windowed_localcorr_z(latents [B, D, F, H, W], [tw, hw, ww], weight_type, renorm). */
    public static Result compute(Tensor z, int[] window, Weight weight, boolean renorm) {
        if (z.dim() != 5) throw new IllegalArgumentException("local correlation needs [B, D, F, H, W], got " + ssvae.tensor.Shape.str(z.shape()));
        int b = z.size(0), d = z.size(1), f = z.size(2), h = z.size(3), w = z.size(4);
        int tw = window[0], hw = window[1], ww = window[2];
        if (h % hw != 0 || w % ww != 0) throw new IllegalArgumentException("H and W (" + h + ", " + w + ") must be divisible by the window " + hw + " x " + ww);
        if (f > 1 && (f - 1) % tw != 0) throw new IllegalArgumentException("(F-1) = " + (f - 1) + " must be divisible by the temporal window " + tw);
        int swn = (h / hw) * (w / ww), sn = hw * ww;
        // (B, D, F, H/hw, hw, W/ww, ww) -> (B, F, H/hw, W/ww, hw, ww, D) -> (B, F, SWN, SN, D)
        Tensor t = z.reshape(b, d, f, h / hw, hw, w / ww, ww).permute(0, 2, 3, 5, 4, 6, 1).reshape(b, f, swn, sn, d);
        Tensor image = pearson(t.narrow(1, 0, 1).reshape(-1, sn, d), renorm);
        if (f == 1) return new Result(image, null, image);
        int fv = f - 1;
        Tensor v = t.narrow(1, 1, fv).reshape(b, fv / tw, tw, swn, sn, d).permute(0, 1, 3, 2, 4, 5).reshape(b * (fv / tw) * swn, tw * sn, d);
        Tensor video = pearson(v, renorm);
        Tensor avg = switch (weight) {
            case Average a -> image.add(video).div(2);
            case FrameWeight fw -> image.add(video.mul(fv)).div(f);
            case WindowWeight ww2 -> {
                double k = (double) fv / tw;
                yield image.add(video.mul(k)).div(1 + k);
            }
            case Explicit e -> image.mul(e.image()).add(video.mul(e.video()));
        };
        return new Result(image, video, avg);
    }

    /**
     * calculate_pearson_autocorr(x [B, N, D]): centre and L2-normalise each row over D (norm + 1e-8) when renorm,
     * then the mean of the strictly upper triangle of x x^T over all B (divided by D without renorm).
     */
    static Tensor pearson(Tensor x, boolean renorm) {
        int n = x.size(1), d = x.size(2);
        if (renorm) {
            x = x.sub(x.mean(new int[] {2}, true));
            x = x.div(x.norm(2, new int[] {2}, true).add(1e-8));
        }
        Tensor sim = x.matmul(x.transpose(1, 2));
        boolean[] upper = new boolean[n * n];
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) upper[i * n + j] = true;
        int pairs = n * (n - 1) / 2;
        Tensor mask = Tensor.fromBools(upper, n, n).to(sim.device()).to(sim.dtype());
        Tensor mean = sim.mul(mask).sum().div((double) x.size(0) * pairs);
        return renorm ? mean : mean.div(d);
    }
}
