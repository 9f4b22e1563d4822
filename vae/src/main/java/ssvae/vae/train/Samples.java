package ssvae.vae.train;

import ssvae.tensor.Tensor;
import ssvae.vae.video.VideoWriter;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reconstruction samples: input and reconstruction side by side as an mp4 (ssvae.vae.video.VideoWriter) and a PNG
 * strip (frames left to right; input above, reconstruction below), and the PSNR of byte-quantised frames.
 */
public final class Samples {
    private Samples() {}

    /** [-1, 1] -> round(clamp((x + 1) * 127.5, 0, 255)). */
    static int toByte(float v) {
        return (int) Math.max(0, Math.min(255, Math.round((v + 1f) * 127.5f)));
    }

    /** PSNR (dB) of two clips [1, 3, T, H, W] in [-1, 1] after quantising to 8 bits, as the videos are stored. */
    public static double psnr(Tensor x, Tensor y) {
        float[] a = x.contiguous().toFloatArray(), b = y.contiguous().toFloatArray();
        double se = 0;
        for (int i = 0; i < a.length; i++) { double d = toByte(a[i]) - toByte(b[i]); se += d * d; }
        double mse = se / a.length;
        return mse == 0 ? 99.0 : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** Writes DIR/NAME.mp4 and DIR/NAME.png for one clip pair [1, 3, T, H, W]. */
    public static void write(Path dir, String name, Tensor x, Tensor rec) {
        try {
            Files.createDirectories(dir);
            Tensor both = Tensor.cat(List.of(x, rec.clamp(-1, 1)), 4).contiguous();   // [1, 3, T, H, 2W]
            int t = both.size(2), h = both.size(3), w2 = both.size(4);
            float[] data = both.toFloatArray();
            VideoWriter.writeSigned(dir.resolve(name + ".mp4"), data, t, h, w2, 8.0);
            ImageIO.write(strip(data, t, h, w2 / 2), "png", dir.resolve(name + ".png").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write samples to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Frames of [3, T, H, 2W] (input | reconstruction) as a strip: T columns, 2 rows. */
    static BufferedImage strip(float[] d, int t, int h, int w) {
        BufferedImage img = new BufferedImage(t * w, 2 * h, BufferedImage.TYPE_INT_RGB);
        int w2 = 2 * w, plane = t * h * w2;
        for (int f = 0; f < t; f++)
            for (int row = 0; row < 2; row++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) {
                        int src = (f * h + y) * w2 + row * w + x;
                        int r = toByte(d[src]), g = toByte(d[plane + src]), b = toByte(d[2 * plane + src]);
                        img.setRGB(f * w + x, row * h + y, (r << 16) | (g << 8) | b);
                    }
        return img;
    }
}
