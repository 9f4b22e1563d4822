package ssvae.vae.metrics;

import ssvae.vae.data.DataException;
import ssvae.vae.video.RgbClip;
import ssvae.vae.video.VideoReader;

import java.nio.file.Path;
import java.util.Locale;

/** PSNR and SSIM between two decoded videos of the same size and frame count. */
public record VideoMetrics(double psnr, double ssim, int frames) {

    public static VideoMetrics compare(Path reference, Path distorted) {
        RgbClip a = VideoReader.readAll(reference), b = VideoReader.readAll(distorted);
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new DataException(distorted + ": size " + b.width() + "x" + b.height() + " differs from " + reference + " (" + a.width() + "x" + a.height() + ")");
        }
        if (a.frameCount() != b.frameCount()) {
            throw new DataException(distorted + ": " + b.frameCount() + " frames, but " + reference + " has " + a.frameCount());
        }
        return of(a, b);
    }

    public static VideoMetrics of(RgbClip a, RgbClip b) {
        return new VideoMetrics(Psnr.psnr(a.frames(), b.frames(), a.width() * a.height() * 3),
                Ssim.clip(a.frames(), b.frames(), a.height(), a.width()), a.frameCount());
    }

    /** {"psnr": ..., "ssim": ..., "frames": N}; an infinite PSNR (identical videos) is written as the string "inf". */
    public String toJson() {
        String p = Double.isInfinite(psnr) ? "\"inf\"" : String.format(Locale.ROOT, "%.6f", psnr);
        return String.format(Locale.ROOT, "{\"psnr\": %s, \"ssim\": %.8f, \"frames\": %d}", p, ssim, frames);
    }

    public String toText() {
        String p = Double.isInfinite(psnr) ? "inf" : String.format(Locale.ROOT, "%.4f", psnr);
        return String.format(Locale.ROOT, "PSNR %s dB  SSIM %.6f  frames %d", p, ssim, frames);
    }
}
