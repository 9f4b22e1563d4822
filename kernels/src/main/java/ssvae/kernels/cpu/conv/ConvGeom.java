package ssvae.kernels.cpu.conv;

import ssvae.tensor.ConvParams;

/**
 * Geometry of one 3-D convolution (NCDHW input, OC x IC/g x KD x KH x KW weight) and the helpers the GEMM-lowered
 * kernels share: zero-padded copies of a source volume and the offset tables of an implicit im2col.
 * Column index k of the im2col matrix is (c, i, j, l) in weight order; row index p is the output position.
 */
final class ConvGeom {
    final int n, cin, d, h, w, cout, kd, kh, kw, od, oh, ow, groups, cg, mg, k, p;
    final int[] s, pb, pa, dl;

    ConvGeom(ConvParams prm, int[] xs, int[] ws, int[] os) {
        n = xs[0]; cin = xs[1]; d = xs[2]; h = xs[3]; w = xs[4];
        cout = ws[0]; kd = ws[2]; kh = ws[3]; kw = ws[4];
        od = os[2]; oh = os[3]; ow = os[4];
        groups = prm.groups(); cg = cin / groups; mg = cout / groups;
        k = cg * kd * kh * kw; p = od * oh * ow;
        s = prm.stride(); pb = prm.padBefore(); pa = prm.padAfter(); dl = prm.dilation();
    }

    int inVol() { return d * h * w; }

    /**
     * src[off + c*D*H*W + ...] (C channels of D x H x W) copied into a new [C][D+b0+a0][H+b1+a1][W+b2+a2] array
     * with zeros around; a negative before/after crops instead.
     */
    static float[] pad(float[] src, int off, int c, int dd, int hh, int ww, int[] before, int[] after) {
        return padInto(new float[paddedSize(c, dd, hh, ww, before, after)], 0, src, off, c, dd, hh, ww, before, after);
    }

    /** Floats of the padded (or cropped) volume of {@link #pad}. */
    static int paddedSize(int c, int dd, int hh, int ww, int[] before, int[] after) {
        return c * (dd + before[0] + after[0]) * (hh + before[1] + after[1]) * (ww + before[2] + after[2]);
    }

    /**
     * {@link #pad} into r at rOff ({@link #paddedSize} floats, any contents): every element of the padded volume is
     * written once, the interior copied and the border zero-filled. Returns r.
     */
    static float[] padInto(float[] r, int rOff, float[] src, int off, int c, int dd, int hh, int ww, int[] before, int[] after) {
        int dp = dd + before[0] + after[0], hp = hh + before[1] + after[1], wp = ww + before[2] + after[2];
        int x0 = Math.max(0, -before[2]), x1 = Math.min(ww, wp - before[2]), run = Math.max(0, x1 - x0);
        int left = Math.max(0, before[2]), right = wp - left - run;
        for (int ch = 0; ch < c; ch++)
            for (int zp = 0; zp < dp; zp++) {
                int z = zp - before[0], plane = rOff + (ch * dp + zp) * hp * wp;
                if (z < 0 || z >= dd) { java.util.Arrays.fill(r, plane, plane + hp * wp, 0f); continue; }
                for (int yp = 0; yp < hp; yp++) {
                    int y = yp - before[1], row = plane + yp * wp;
                    if (y < 0 || y >= hh || run == 0) { java.util.Arrays.fill(r, row, row + wp, 0f); continue; }
                    if (left > 0) java.util.Arrays.fill(r, row, row + left, 0f);
                    System.arraycopy(src, off + ((ch * dd + z) * hh + y) * ww + x0, r, row + left, run);
                    if (right > 0) java.util.Arrays.fill(r, row + left + run, row + wp, 0f);
                }
            }
        return r;
    }

    /** Offsets of kernel taps (c, i, j, l) for channels [0, c) in a padded [.][dp][hp][wp] volume. */
    static int[] tapOffsets(int c, int kd, int kh, int kw, int[] dil, int dp, int hp, int wp) {
        int[] r = new int[c * kd * kh * kw];
        int t = 0;
        for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < kd; i++) for (int j = 0; j < kh; j++) for (int l = 0; l < kw; l++)
                r[t++] = ((ch * dp + i * dil[0]) * hp + j * dil[1]) * wp + l * dil[2];
        return r;
    }

    /** Tables kept per thread: a training step meets the same few geometries again and again. */
    private static final int TABLE_CACHE = 16;
    private static final ThreadLocal<java.util.LinkedHashMap<String, java.lang.ref.SoftReference<int[]>>> TABLES =
            ThreadLocal.withInitial(() -> new java.util.LinkedHashMap<>(32, 0.75f, true) {
                @Override protected boolean removeEldestEntry(java.util.Map.Entry<String, java.lang.ref.SoftReference<int[]>> e) {
                    return size() > TABLE_CACHE;
                }
            });

    /** A table from the calling thread's cache, built on a miss. The caller must not modify it. */
    private static int[] cached(String key, java.util.function.Supplier<int[]> build) {
        var map = TABLES.get();
        var ref = map.get(key);
        int[] t = ref == null ? null : ref.get();
        if (t == null) {
            t = build.get();
            map.put(key, new java.lang.ref.SoftReference<>(t));
        }
        return t;
    }

    /** {@link #tapOffsets}, shared through a per-thread cache (read-only). */
    static int[] taps(int c, int kd, int kh, int kw, int[] dil, int dp, int hp, int wp) {
        return cached("t" + c + ',' + kd + ',' + kh + ',' + kw + ',' + dil[0] + ',' + dil[1] + ',' + dil[2] + ',' + dp + ',' + hp + ',' + wp,
                () -> tapOffsets(c, kd, kh, kw, dil, dp, hp, wp));
    }

    /** {@link #positionOffsets}, shared through a per-thread cache (read-only). */
    static int[] positions(int od, int oh, int ow, int[] stride, int hp, int wp) {
        return cached("p" + od + ',' + oh + ',' + ow + ',' + stride[0] + ',' + stride[1] + ',' + stride[2] + ',' + hp + ',' + wp,
                () -> positionOffsets(od, oh, ow, stride, hp, wp));
    }

    /** Offsets of the first tap of each output position (z, y, x) in a padded volume, for the given strides. */
    static int[] positionOffsets(int od, int oh, int ow, int[] stride, int hp, int wp) {
        int[] r = new int[od * oh * ow];
        int t = 0;
        for (int z = 0; z < od; z++) for (int y = 0; y < oh; y++) for (int x = 0; x < ow; x++)
            r[t++] = (z * stride[0] * hp + y * stride[1]) * wp + x * stride[2];
        return r;
    }

    static int roundUp(int v, int m) { return (v + m - 1) / m * m; }
}
