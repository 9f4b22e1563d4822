package ssvae.vae.model;

import ssvae.tensor.F;
import ssvae.tensor.PadMode;
import ssvae.tensor.Tensor;

/**
 * The DC-AE parameter-free shortcuts of the resampling blocks (dc_3dvae.DCAEChannelAverage2D/3D,
 * DCAEChannelDuplicate2D/3D): space(-time)-to-channel followed by an average over channel groups, and
 * channel repetition followed by channel-to-space(-time).
 */
final class Dcae {
    private Dcae() {}

    /** Average3D: pad factor-1 frames in front, pixel-unshuffle (c, ft, fh, fw), mean over groups of in*f^3/out. */
    static final class Average3D {
        final int in, out, factor, group;
        final PadMode pad;

        Average3D(int in, int out, int factor, String padMode) {
            if ((in * factor * factor * factor) % out != 0)
                throw new IllegalArgumentException("DCAE average shortcut: " + in + "*" + factor + "^3 channels are not divisible by " + out);
            this.in = in; this.out = out; this.factor = factor;
            this.group = in * factor * factor * factor / out;
            this.pad = "constant".equals(padMode) ? PadMode.CONSTANT : PadMode.FIRST;
        }

        Tensor forward(Tensor x, CausalStream s) {
            Tensor p = CausalTime.window(s, this, x, factor - 1, pad, factor, factor);
            Tensor u = F.pixelUnshuffle3d(p, factor, factor, factor);
            return groupMean(u, out, group);
        }
    }

    /** Average2D: per-frame pixel-unshuffle (c, fh, fw), mean over groups of in*f^2/out channels. */
    static final class Average2D {
        final int in, out, factor, group;

        Average2D(int in, int out, int factor) {
            if ((in * factor * factor) % out != 0)
                throw new IllegalArgumentException("DCAE average shortcut: " + in + "*" + factor + "^2 channels are not divisible by " + out);
            this.in = in; this.out = out; this.factor = factor;
            this.group = in * factor * factor / out;
        }

        Tensor forward(Tensor x) {
            int b = x.size(0), c = x.size(1), t = x.size(2), h = x.size(3), w = x.size(4), f = factor;
            Tensor u = x.reshape(b, c, t, h / f, f, w / f, f).permute(0, 1, 4, 6, 2, 3, 5).reshape(b, c * f * f, t, h / f, w / f);
            return groupMean(u, out, group);
        }
    }

    private static Tensor groupMean(Tensor u, int out, int group) {
        int[] s = u.shape();
        return u.reshape(s[0], out, group, s[2], s[3], s[4]).mean(new int[] {2}, false);
    }

    /**
     * Duplicate3D: channel repetition (repeat_interleave, or tiling after the shuffle with new_shuffle), 3-D pixel
     * shuffle, then the first factor-1 output frames are dropped (only in the chunk that holds frame 0).
     */
    static final class Duplicate3D {
        final int in, out, factor, repeats;
        final boolean newShuffle;

        Duplicate3D(int in, int out, int factor, boolean newShuffle) {
            int f3 = factor * factor * factor;
            if ((out * f3) % in != 0)
                throw new IllegalArgumentException("DCAE duplicate shortcut: " + out + "*" + factor + "^3 channels are not divisible by " + in);
            if (newShuffle && in % f3 != 0)
                throw new IllegalArgumentException("DCAE duplicate shortcut with new_shuffle: " + in + " channels are not divisible by " + f3);
            this.in = in; this.out = out; this.factor = factor; this.repeats = out * f3 / in; this.newShuffle = newShuffle;
        }

        Tensor forward(Tensor x, CausalStream s) {
            int f = factor;
            Tensor y = newShuffle
                    ? F.pixelShuffle3d(x, f, f, f).repeat(1, repeats, 1, 1, 1)
                    : F.pixelShuffle3d(x.repeatInterleave(repeats, 1), f, f, f);
            return s.first() ? y.narrow(2, f - 1, y.size(2) - (f - 1)) : y;
        }
    }

    /** Duplicate2D: the per-frame version (c, fh, fw). */
    static final class Duplicate2D {
        final int in, out, factor, repeats;
        final boolean newShuffle;

        Duplicate2D(int in, int out, int factor, boolean newShuffle) {
            int f2 = factor * factor;
            if ((out * f2) % in != 0)
                throw new IllegalArgumentException("DCAE duplicate shortcut: " + out + "*" + factor + "^2 channels are not divisible by " + in);
            if (newShuffle && in % f2 != 0)
                throw new IllegalArgumentException("DCAE duplicate shortcut with new_shuffle: " + in + " channels are not divisible by " + f2);
            this.in = in; this.out = out; this.factor = factor; this.repeats = out * f2 / in; this.newShuffle = newShuffle;
        }

        Tensor forward(Tensor x) {
            Tensor y = newShuffle ? shuffle2d(x, factor).repeat(1, repeats, 1, 1, 1) : shuffle2d(x.repeatInterleave(repeats, 1), factor);
            return y;
        }

        private static Tensor shuffle2d(Tensor x, int f) {
            int b = x.size(0), c = x.size(1) / (f * f), t = x.size(2), h = x.size(3), w = x.size(4);
            return x.reshape(b, c, f, f, t, h, w).permute(0, 1, 4, 5, 2, 6, 3).reshape(b, c, t, h * f, w * f);
        }
    }
}
