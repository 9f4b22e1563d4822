package ssvae.vae.data;

import ssvae.tensor.Tensor;

import java.util.List;

/** A loaded clip: planar float data laid out [3, T, H, W] (values in [-1, 1]), with where it came from. */
public record Clip(float[] data, int frames, int height, int width, String source) {
    public Clip {
        if (data.length != 3 * frames * height * width) {
            throw new IllegalArgumentException("clip data holds " + data.length + " floats, shape [3, " + frames + ", " + height + ", " + width + "] needs " + 3L * frames * height * width);
        }
    }

    /** The F32 tensor [3, T, H, W] (wraps the data, no copy). */
    public Tensor tensor() { return Tensor.fromArray(data, 3, frames, height, width); }

    /** Stacks clips of one shape into an F32 tensor [B, 3, T, H, W]. */
    public static Tensor batch(List<Clip> clips) {
        if (clips.isEmpty()) throw new IllegalArgumentException("cannot batch zero clips");
        Clip c0 = clips.get(0);
        int n = c0.data.length;
        float[] out = new float[n * clips.size()];
        for (int b = 0; b < clips.size(); b++) {
            Clip c = clips.get(b);
            if (c.frames != c0.frames || c.height != c0.height || c.width != c0.width) {
                throw new IllegalArgumentException("cannot batch clips of different shapes: " + c0.source + " is [3, " + c0.frames + ", " + c0.height + ", " + c0.width
                        + "], " + c.source + " is [3, " + c.frames + ", " + c.height + ", " + c.width + "]");
            }
            System.arraycopy(c.data, 0, out, b * n, n);
        }
        return Tensor.fromArray(out, clips.size(), 3, c0.frames, c0.height, c0.width);
    }
}
