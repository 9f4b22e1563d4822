package ssvae.vae.regularizers;

import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * SSVAE latent masked reconstruction (AutoencodingEngineSSVAE.apply_lmr): a mask ratio is drawn from
 * mask_ratios with the probabilities mask_probs[input size]; below the second-smallest ratio nothing is masked;
 * otherwise max(1, floor(T*H*W*ratio / block volume)) blocks of block_sizes[input size] (t, h, w) are chosen
 * without replacement (a random permutation of the block grid) and replaced, for every batch element, by the
 * learned mask token. The input size is the latent height times the spatial compression factor (the official
 * code writes H * 16, the factor of its configs).
 */
public final class LatentMasking {
    private final double[] ratios;
    private final Map<Integer, double[]> probs;
    private final Map<Integer, int[]> blockSizes;

    /** The mask chosen for one call: ratio and the [T, H, W] boolean mask (null when nothing is masked). */
    public record Draw(double ratio, boolean[] mask, int t, int h, int w) {}

    public LatentMasking(List<Double> ratios, Map<Integer, double[]> probs, Map<Integer, int[]> blockSizes) {
        this.ratios = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (this.ratios.length < 2) throw new IllegalArgumentException("lmr_config.mask_ratios needs at least 2 values");
        for (var e : probs.entrySet()) {
            if (e.getValue().length != this.ratios.length)
                throw new IllegalArgumentException("lmr_config.mask_probs." + e.getKey() + " has " + e.getValue().length + " values for " + this.ratios.length + " mask ratios");
            double s = 0;
            for (double p : e.getValue()) { if (p < 0) throw new IllegalArgumentException("lmr_config.mask_probs." + e.getKey() + " has a negative probability"); s += p; }
            if (Math.abs(s - 1) > 1e-6) throw new IllegalArgumentException("lmr_config.mask_probs." + e.getKey() + " sums to " + s + ", not 1");
        }
        for (var e : blockSizes.entrySet())
            if (e.getValue().length != 3 || e.getValue()[0] < 1 || e.getValue()[1] < 1 || e.getValue()[2] < 1)
                throw new IllegalArgumentException("lmr_config.block_sizes." + e.getKey() + " needs 3 positive values");
        this.probs = Map.copyOf(probs);
        this.blockSizes = Map.copyOf(blockSizes);
    }

    /** Official defaults: ratios [0, .25, .5, .75], probs {256: [.7,.1,.1,.1], 512: [.6,.1,.15,.15]}, blocks {256: 1^3, 512: 2^3}. */
    public static LatentMasking defaults() {
        return new LatentMasking(List.of(0.0, 0.25, 0.5, 0.75),
                Map.of(256, new double[] {0.7, 0.1, 0.1, 0.1}, 512, new double[] {0.6, 0.1, 0.15, 0.15}),
                Map.of(256, new int[] {1, 1, 1}, 512, new int[] {2, 2, 2}));
    }

    /** Draws a ratio and a block mask for a latent of T x H x W at the given input size. */
    public Draw draw(int t, int h, int w, int inputSize, Generator g) {
        double[] p = probs.get(inputSize);
        int[] bs = blockSizes.get(inputSize);
        if (p == null || bs == null)
            throw new IllegalArgumentException("lmr_config has no mask_probs/block_sizes entry for input size " + inputSize + " (keys " + probs.keySet() + ")");
        double u = g.nextDouble(), acc = 0;
        double ratio = ratios[ratios.length - 1];
        for (int i = 0; i < ratios.length; i++) {
            acc += p[i];
            if (u < acc) { ratio = ratios[i]; break; }
        }
        if (ratio < ratios[1]) return new Draw(ratio, null, t, h, w);
        int tb = t / bs[0], hb = h / bs[1], wb = w / bs[2];
        int total = tb * hb * wb;
        long volume = (long) bs[0] * bs[1] * bs[2];
        int count = (int) Math.max(1, (long) Math.floor(((double) t * h * w * ratio) / volume));
        if (total == 0) throw new IllegalArgumentException("latent " + t + "x" + h + "x" + w + " is smaller than the LMR block " + java.util.Arrays.toString(bs));
        long[] perm = Tensor.randperm(total, g).toLongArray();
        boolean[] mask = new boolean[t * h * w];
        for (int k = 0; k < Math.min(count, total); k++) {
            int idx = (int) perm[k];
            int ti = idx / (hb * wb), hi = (idx % (hb * wb)) / wb, wi = idx % wb;
            for (int a = 0; a < bs[0]; a++) for (int b = 0; b < bs[1]; b++) for (int c = 0; c < bs[2]; c++)
                mask[((ti * bs[0] + a) * h + hi * bs[1] + b) * w + wi * bs[2] + c] = true;
        }
        return new Draw(ratio, mask, t, h, w);
    }

    /** apply_lmr: z [B, C, T, H, W] with the masked positions replaced by token [1, C, 1, 1, 1]. */
    public Tensor apply(Tensor z, Tensor token, int spatialFactor, Generator g) {
        int t = z.size(2), h = z.size(3), w = z.size(4);
        Draw d = draw(t, h, w, h * spatialFactor, g);
        if (d.mask() == null) return z;
        Tensor m = Tensor.fromBools(d.mask(), 1, 1, t, h, w).to(z.device());
        return Tensor.where(m.expand(z.shape()), token.to(z.dtype()).expand(z.shape()), z);
    }
}
