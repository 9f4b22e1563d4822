package ssvae.vae.inference;

import ssvae.vae.video.FrameConvert;

import java.util.ArrayList;
import java.util.List;

/** 8-bit frames of planar clips, as reconstruction.py's save_video makes them, and side-by-side frames. */
public final class Frames {
    private Frames() {}

    /**
     * Packed RGB24 frames of a planar [3, T, H, W] clip in [-1, 1]: ((x + 1) * 127.5).clamp(0, 255).byte()
     * (save_video's quantisation).
     */
    public static List<byte[]> rgb(float[] clip, int frames, int height, int width) {
        int pixels = height * width;
        if (clip.length != 3 * frames * pixels)
            throw new IllegalArgumentException("clip holds " + clip.length + " floats, [3, " + frames + ", " + height + ", " + width + "] needs " + 3L * frames * pixels);
        List<byte[]> out = new ArrayList<>(frames);
        for (int t = 0; t < frames; t++) {
            byte[] f = new byte[3 * pixels];
            FrameConvert.fromPlanarSigned(clip, t * pixels, frames * pixels, pixels, f);
            out.add(f);
        }
        return out;
    }

    /** Frames twice as wide: left[t] on the left, right[t] on the right (both height x width RGB24). */
    public static List<byte[]> sideBySide(List<byte[]> left, List<byte[]> right, int height, int width) {
        if (left.size() != right.size()) throw new IllegalArgumentException("frame counts differ: " + left.size() + " vs " + right.size());
        int row = 3 * width;
        List<byte[]> out = new ArrayList<>(left.size());
        for (int t = 0; t < left.size(); t++) {
            byte[] a = left.get(t), b = right.get(t), f = new byte[2 * row * height];
            for (int y = 0; y < height; y++) {
                System.arraycopy(a, y * row, f, 2 * y * row, row);
                System.arraycopy(b, y * row, f, 2 * y * row + row, row);
            }
            out.add(f);
        }
        return out;
    }
}
