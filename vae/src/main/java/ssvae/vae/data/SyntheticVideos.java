package ssvae.vae.data;

import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * A seeded synthetic video source with natural-image-like statistics, so training and demos run without data:
 * a 1/f-noise background (octaves of smooth value noise with amplitude halving as frequency doubles, so the
 * amplitude spectrum falls like 1/f as in natural images) seen through a camera that pans at a constant
 * velocity, and 1 to 4 textured ellipses or rectangles moving over it with anti-aliased edges. Clip i of a
 * source depends only on (seed, i). Values are in [-1, 1], layout [3, T, H, W]; T = 1 gives images.
 */
public final class SyntheticVideos implements Iterator<Clip> {
    private final long seed;
    private final int frames, height, width;
    private long index;

    public SyntheticVideos(long seed, int frames, int height, int width) {
        if (frames < 1 || height < 1 || width < 1) throw new IllegalArgumentException("synthetic clip shape must be positive, got " + frames + "x" + height + "x" + width);
        this.seed = seed;
        this.frames = frames;
        this.height = height;
        this.width = width;
    }

    @Override public boolean hasNext() { return true; }

    @Override public Clip next() { return clip(seed, index++, frames, height, width); }

    /** Smooth value noise: random lattice every `cell` pixels, smoothstep-interpolated; one table per channel. */
    private record ValueNoise(float[] lattice, int gw, int gh, float cell) {
        static ValueNoise of(SplittableRandom r, int w, int h, float cell) {
            int gw = (int) Math.ceil(w / cell) + 2, gh = (int) Math.ceil(h / cell) + 2;
            float[] l = new float[gw * gh];
            for (int i = 0; i < l.length; i++) l[i] = (float) (r.nextDouble() * 2 - 1);
            return new ValueNoise(l, gw, gh, cell);
        }

        float at(float x, float y) {
            float gx = x / cell, gy = y / cell;
            int x0 = (int) Math.floor(gx), y0 = (int) Math.floor(gy);
            float fx = gx - x0, fy = gy - y0;
            fx = fx * fx * (3 - 2 * fx);
            fy = fy * fy * (3 - 2 * fy);
            x0 = Math.floorMod(x0, gw - 1);
            y0 = Math.floorMod(y0, gh - 1);
            float a = lattice[y0 * gw + x0], b = lattice[y0 * gw + x0 + 1];
            float c = lattice[(y0 + 1) * gw + x0], d = lattice[(y0 + 1) * gw + x0 + 1];
            return (a + (b - a) * fx) + ((c + (d - c) * fx) - (a + (b - a) * fx)) * fy;
        }
    }

    /** 1/f texture: octaves from `base` pixels down to 2 pixels, amplitude proportional to the cell size. */
    private static final class PinkNoise {
        final ValueNoise[][] oct;  // [octave][channel]
        final float[] amp;
        final float[] mean;
        final float chroma;

        PinkNoise(SplittableRandom r, int w, int h, float base, float[] mean, float contrast, float chroma) {
            int n = Math.max(1, (int) (Math.log(base / 2) / Math.log(2)) + 1);
            oct = new ValueNoise[n][3];
            amp = new float[n];
            float cell = base, total = 0;
            for (int o = 0; o < n; o++) {
                for (int c = 0; c < 3; c++) oct[o][c] = ValueNoise.of(r, w, h, cell);
                amp[o] = cell;
                total += cell;
                cell /= 2;
            }
            for (int o = 0; o < n; o++) amp[o] *= contrast / total;
            this.mean = mean;
            this.chroma = chroma;
        }

        /** Colour at (x, y): a luminance pattern shared by the channels plus weaker per-channel variation. */
        void at(float x, float y, float[] rgb) {
            float lum = 0, c1 = 0, c2 = 0;
            for (int o = 0; o < amp.length; o++) {
                lum += amp[o] * oct[o][0].at(x, y);
                c1 += amp[o] * oct[o][1].at(x, y);
                c2 += amp[o] * oct[o][2].at(x, y);
            }
            rgb[0] = mean[0] + lum + chroma * c1;
            rgb[1] = mean[1] + lum - 0.5f * chroma * (c1 + c2);
            rgb[2] = mean[2] + lum + chroma * c2;
        }
    }

    private record Shape(boolean ellipse, float cx, float cy, float vx, float vy, float rx, float ry, float growth, PinkNoise tex) {}

    /** Clip number `index` of the source with this seed. */
    public static Clip clip(long seed, long index, int frames, int height, int width) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        float scale = Math.max(height, width);
        // camera pan: up to ~2% of the frame per frame in each direction
        float panX = (float) ((r.nextDouble() * 2 - 1) * 0.02 * scale), panY = (float) ((r.nextDouble() * 2 - 1) * 0.02 * scale);
        int cw = width + (int) Math.ceil(Math.abs(panX) * (frames - 1)) + 2, ch = height + (int) Math.ceil(Math.abs(panY) * (frames - 1)) + 2;
        float[] bgMean = {(float) (r.nextDouble() * 0.8 - 0.4), (float) (r.nextDouble() * 0.8 - 0.4), (float) (r.nextDouble() * 0.8 - 0.4)};
        PinkNoise bg = new PinkNoise(r, cw, ch, scale / 2, bgMean, 0.9f, 0.25f);
        int nShapes = 1 + r.nextInt(4);
        Shape[] shapes = new Shape[nShapes];
        for (int s = 0; s < nShapes; s++) {
            float[] m = {(float) (r.nextDouble() * 1.4 - 0.7), (float) (r.nextDouble() * 1.4 - 0.7), (float) (r.nextDouble() * 1.4 - 0.7)};
            float rx = (float) (scale * (0.08 + 0.17 * r.nextDouble())), ry = (float) (scale * (0.08 + 0.17 * r.nextDouble()));
            shapes[s] = new Shape(r.nextBoolean(), (float) (r.nextDouble() * width), (float) (r.nextDouble() * height),
                    (float) ((r.nextDouble() * 2 - 1) * 0.03 * scale), (float) ((r.nextDouble() * 2 - 1) * 0.03 * scale),
                    rx, ry, (float) (1 + (r.nextDouble() * 2 - 1) * 0.01),
                    new PinkNoise(r, (int) (2 * rx) + 4, (int) (2 * ry) + 4, Math.max(4, Math.min(rx, ry)), m, 0.5f, 0.15f));
        }
        int hw = height * width;
        float[] out = new float[3 * frames * hw];
        float[] rgb = new float[3], fg = new float[3];
        float ox0 = panX < 0 ? -panX * (frames - 1) : 0, oy0 = panY < 0 ? -panY * (frames - 1) : 0;
        for (int t = 0; t < frames; t++) {
            float ox = ox0 + panX * t, oy = oy0 + panY * t;
            float[] scx = new float[nShapes], scy = new float[nShapes], srx = new float[nShapes], sry = new float[nShapes];
            for (int k = 0; k < nShapes; k++) {
                Shape s = shapes[k];
                float g = (float) Math.pow(s.growth, t);
                scx[k] = s.cx + s.vx * t; scy[k] = s.cy + s.vy * t; srx[k] = s.rx * g; sry[k] = s.ry * g;
            }
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    bg.at(x + ox, y + oy, rgb);
                    for (int k = 0; k < nShapes; k++) {
                        Shape s = shapes[k];
                        float rx = srx[k], ry = sry[k];
                        float dx = (x + 0.5f - scx[k]), dy = (y + 0.5f - scy[k]);
                        if (Math.abs(dx) > rx + 1 || Math.abs(dy) > ry + 1) continue;
                        // signed distance in pixels (approximate for ellipses), 1-pixel anti-aliased edge
                        float d = s.ellipse
                                ? (float) ((Math.sqrt((dx / rx) * (dx / rx) + (dy / ry) * (dy / ry)) - 1) * Math.min(rx, ry))
                                : Math.max(Math.abs(dx) - rx, Math.abs(dy) - ry);
                        float cover = Math.max(0f, Math.min(1f, 0.5f - d));
                        if (cover <= 0) continue;
                        s.tex.at(dx + rx + 2, dy + ry + 2, fg);  // texture moves with the shape
                        for (int c = 0; c < 3; c++) rgb[c] += cover * (fg[c] - rgb[c]);
                    }
                    int p = t * hw + y * width + x;
                    for (int c = 0; c < 3; c++) out[c * frames * hw + p] = Math.max(-1f, Math.min(1f, rgb[c]));
                }
            }
        }
        return new Clip(out, frames, height, width, "synthetic:" + seed + "#" + index);
    }
}
