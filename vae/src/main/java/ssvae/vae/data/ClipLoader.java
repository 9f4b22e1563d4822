package ssvae.vae.data;

import ssvae.vae.video.FrameConvert;
import ssvae.vae.video.VideoReader;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Loads clips as the official code does.
 * <ul>
 *   <li>{@link #reconstructionClip}: reconstruction.py {@code load_video}: num_frames indices
 *       {@code np.linspace(0, total-1, num_frames, dtype=int)} over the whole video, bilinear resize
 *       (align_corners=False) to size x size, {@code / 127.5 - 1}.</li>
 *   <li>{@link #trainingVideo}: video_data_wds.py {@code process_fn_video}/{@code process_video}: a random start in
 *       [0, duration - num_frames/fps], the frames whose timestamps lie in [start, start + num_frames/fps] minus the
 *       last, {@code uniform_temporal_subsample} to num_frames, {@code resize_for_rectangle_crop} (bicubic,
 *       antialiased, center crop) and {@code (x - 127.5) / 127.5}.</li>
 *   <li>{@link #trainingImage}: {@code process_fn_image}: RGB, landscape only, at least the target size,
 *       ToTensor (/255), resize_for_rectangle_crop with a random crop, {@code * 2 - 1}, as a 1-frame video.</li>
 * </ul>
 * Samples that cannot be used throw {@link SkipException}.
 */
public final class ClipLoader {
    private ClipLoader() {}

    /** {@code np.linspace(0, total - 1, num, dtype=int)}: float64 steps, truncated toward zero. */
    static int[] numpyLinspaceInt(int total, int num) {
        int[] idx = new int[num];
        double stop = total - 1;
        if (num == 1) return idx;
        double step = stop / (num - 1);
        for (int i = 0; i < num; i++) idx[i] = (int) (i * step);
        idx[num - 1] = (int) stop;
        return idx;
    }

    /**
     * pytorchvideo {@code uniform_temporal_subsample}: {@code torch.linspace(0, t-1, num)} in float32 (ATen's
     * two-sided formula), clamped to [0, t-1], then {@code .long()} (truncation).
     */
    static int[] torchLinspaceLong(int t, int num) {
        int[] idx = new int[num];
        if (num == 1) return idx;
        float start = 0f, end = t - 1;
        float step = (end - start) / (num - 1);
        int half = num / 2;
        for (int i = 0; i < num; i++) {
            float v = i < half ? start + step * i : end - step * (num - 1 - i);
            v = Math.max(0f, Math.min(v, end));
            idx[i] = (int) v;
        }
        return idx;
    }

    /** reconstruction.py load_video on a file: [3, T, size, size] in [-1, 1]; T is rounded to 1+4k. */
    public static Clip reconstructionClip(Path file, int numFrames, int size) {
        try (VideoReader r = VideoReader.open(file)) {
            return reconstructionClip(r, numFrames, size);
        }
    }

    /** reconstruction.py load_video on an in-memory video. */
    public static Clip reconstructionClip(byte[] video, String name, int numFrames, int size) {
        try (VideoReader r = VideoReader.open(video, name)) {
            return reconstructionClip(r, numFrames, size);
        }
    }

    private static Clip reconstructionClip(VideoReader r, int numFrames, int size) {
        if (size < 1) throw new IllegalArgumentException("image size must be positive, got " + size);
        int t = FrameCounts.round4kPlus1(numFrames);
        int h = r.height(), w = r.width(), hw = h * w;
        long total = r.containerFrameCount();
        List<byte[]> frames;
        int[] idx;
        if (total > 0 && total < Integer.MAX_VALUE) {
            // the container states the frame count: decode once, keep only the chosen frames (memory flat in length)
            idx = numpyLinspaceInt((int) total, t);
            frames = new ArrayList<>();
            byte[] buf = new byte[r.frameBytes()];
            int decoded = 0, k = 0;
            while (r.next(buf)) {
                while (k < t && idx[k] == decoded) {
                    frames.add(buf.clone());
                    idx[k] = frames.size() - 1;
                    k++;
                }
                decoded++;
            }
            if (decoded < total) throw DataException.of(r.name(), "truncated or corrupt video: decoded " + decoded + " of " + total + " frames");
        } else {
            frames = r.readAll().frames();
            idx = numpyLinspaceInt(frames.size(), t);
        }
        float[] planes = new float[3 * hw];
        float[] out = new float[3 * t * size * size];
        int oplane = size * size;
        for (int i = 0; i < t; i++) {
            FrameConvert.toPlanar(frames.get(idx[i]), hw, planes, 0, hw, false);
            float[] rs = Resample.bilinear(planes, 3, h, w, size, size);
            for (int c = 0; c < 3; c++) {
                int o = (c * t + i) * oplane;
                for (int p = 0; p < oplane; p++) out[o + p] = rs[c * oplane + p] / 127.5f - 1f;
            }
        }
        return new Clip(out, t, size, size, r.name());
    }

    /** The resized size and crop offset of resize_for_rectangle_crop for an h x w input and a th x tw target. */
    record RectCrop(int resizedH, int resizedW, int deltaH, int deltaW) {}

    static RectCrop rectCrop(int h, int w, int th, int tw) {
        int rh, rw;
        if ((double) w / h > (double) tw / th) { rh = th; rw = (int) (w * (double) th / h); }
        else { rh = (int) (h * (double) tw / w); rw = tw; }
        return new RectCrop(rh, rw, rh - th, rw - tw);
    }

    /**
     * One training video sample (process_fn_video + process_video with reshape_mode "center").
     *
     * @param duration the meta duration in seconds (the official loader seeks with it instead of decoding all)
     * @param fps      the wanted frame rate (config {@code fps}); the clip spans numFrames / fps seconds
     */
    public static Clip trainingVideo(byte[] video, String name, double duration, double fps, int numFrames,
                                     int targetH, int targetW, Random rng) {
        if (!(fps > 0)) throw new IllegalArgumentException("wanted fps must be positive, got " + fps);
        double span = numFrames / fps;
        if (!(duration >= span)) {
            throw new SkipException(SkipException.Reason.TOO_SHORT, "duration " + duration + " s is shorter than " + numFrames + " frames at " + fps + " fps");
        }
        double start = rng.nextDouble() * (duration - span);  // random.uniform(0, max_seek)
        double end = start + span;
        List<byte[]> frames = new ArrayList<>();
        int h, w;
        try (VideoReader r = VideoReader.open(video, name)) {
            h = r.height();
            w = r.width();
            r.seek(start);
            long endUs = (long) Math.ceil(end * 1e6);
            while (true) {
                byte[] f = new byte[r.frameBytes()];
                if (!r.next(f) || r.lastTimestampUs() > endUs) break;
                frames.add(f);
            }
        } catch (SkipException e) {
            throw e;
        } catch (DataException e) {
            throw new SkipException(SkipException.Reason.CORRUPT, e.getMessage());
        }
        if (!frames.isEmpty()) frames.removeLast();  // read_video(...)[:-1]: drop the closed interval's last frame
        if (frames.isEmpty()) {
            throw new SkipException(SkipException.Reason.TOO_SHORT, "no frames decoded in [" + start + ", " + end + "] s");
        }
        // official: assert video.shape[1] >= image_size[1] and video.shape[2] >= image_size[0]
        if (h < targetW || w < targetH) {
            throw new SkipException(SkipException.Reason.TOO_SMALL, w + "x" + h + " is smaller than the target " + targetW + "x" + targetH);
        }
        int[] idx = torchLinspaceLong(frames.size(), numFrames);
        RectCrop rc = rectCrop(h, w, targetH, targetW);
        int hw = h * w, ohw = targetH * targetW;
        float[] planes = new float[3 * hw];
        float[] out = new float[3 * numFrames * ohw];
        for (int i = 0; i < numFrames; i++) {
            FrameConvert.toPlanar(frames.get(idx[i]), hw, planes, 0, hw, false);
            float[] rs = Resample.bicubicAntialiasU8(planes, 3, h, w, rc.resizedH(), rc.resizedW(),
                    rc.deltaH() / 2, rc.deltaW() / 2, targetH, targetW);
            for (int c = 0; c < 3; c++) {
                int o = (c * numFrames + i) * ohw;
                for (int p = 0; p < ohw; p++) out[o + p] = (rs[c * ohw + p] - 127.5f) / 127.5f;
            }
        }
        return new Clip(out, numFrames, targetH, targetW, name);
    }

    /** One training image sample (process_fn_image, reshape_mode "random"): [3, 1, H, W] in [-1, 1]. */
    public static Clip trainingImage(byte[] image, String name, int targetH, int targetW, Random rng) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(image));
        } catch (IOException | RuntimeException e) {
            throw new SkipException(SkipException.Reason.CORRUPT, "not a decodable image (" + e.getMessage() + ")");
        }
        if (img == null) throw new SkipException(SkipException.Reason.CORRUPT, "not a decodable image (unknown format)");
        int w = img.getWidth(), h = img.getHeight();
        if (w < h) throw new SkipException(SkipException.Reason.PORTRAIT, "portrait " + w + "x" + h + " (the official loader keeps landscape images only)");
        // official: if w < image_size[0] or h < image_size[1]: continue
        if (w < targetH || h < targetW) {
            throw new SkipException(SkipException.Reason.TOO_SMALL, w + "x" + h + " is smaller than the target " + targetW + "x" + targetH);
        }
        float[] planes = rgbPlanes01(img);
        RectCrop rc = rectCrop(h, w, targetH, targetW);
        int top = rng.nextInt(rc.deltaH() + 1), left = rng.nextInt(rc.deltaW() + 1);
        float[] rs = Resample.bicubicAntialias(planes, 3, h, w, rc.resizedH(), rc.resizedW(), top, left, targetH, targetW);
        for (int i = 0; i < rs.length; i++) rs[i] = rs[i] * 2f - 1f;
        return new Clip(rs, 1, targetH, targetW, name);
    }

    /** Planar RGB in [0, 1] (ToTensor of PIL's convert('RGB')); grey images are replicated, not colour-managed. */
    static float[] rgbPlanes01(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight(), hw = w * h;
        float[] out = new float[3 * hw];
        Raster raster = img.getRaster();
        if (raster.getNumBands() == 1 && raster.getSampleModel().getSampleSize(0) == 8) {
            int[] px = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            for (int i = 0; i < hw; i++) {
                float v = px[i] / 255f;
                out[i] = v;
                out[hw + i] = v;
                out[2 * hw + i] = v;
            }
            return out;
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < hw; i++) {
            int p = argb[i];
            out[i] = ((p >> 16) & 0xFF) / 255f;
            out[hw + i] = ((p >> 8) & 0xFF) / 255f;
            out[2 * hw + i] = (p & 0xFF) / 255f;
        }
        return out;
    }
}
