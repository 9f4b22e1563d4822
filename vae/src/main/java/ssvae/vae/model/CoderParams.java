package ssvae.vae.model;

import java.util.List;

/**
 * The constructor arguments of dc_3dvae.Encoder3D / Decoder3D (defaults as there). double_z, attn_resolutions
 * and other ignored keyword arguments of the official classes are accepted by the config reader and dropped.
 */
public record CoderParams(int ch, int outCh, List<Integer> chMult, int numResBlocks, int numMidBlocks,
                          List<Boolean> temporalUpsample, double dropout, boolean resampWithConv, int inChannels,
                          int resolution, int zChannels, String padMode, int temporalCompressTimes, String norm,
                          boolean midAttn, boolean newShuffle, boolean freezeEntireEncoder, boolean gradientCheckpoint,
                          boolean spatialInterpolate, boolean temporalInterpolate) {
    public CoderParams {
        chMult = List.copyOf(chMult);
        temporalUpsample = List.copyOf(temporalUpsample);
        if (ch < 1) throw new IllegalArgumentException("ch must be positive, got " + ch);
        if (chMult.isEmpty()) throw new IllegalArgumentException("ch_mult must not be empty");
        if (numResBlocks < 0 || numMidBlocks < 0) throw new IllegalArgumentException("num_res_blocks and num_mid_blocks must be >= 0");
        if (temporalUpsample.size() < chMult.size() - 1)
            throw new IllegalArgumentException("temporal_upsample needs " + (chMult.size() - 1) + " entries for ch_mult " + chMult + ", got " + temporalUpsample);
        if (dropout < 0 || dropout >= 1) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        CausalConv3d.parsePad(padMode);
    }

    /** A builder seeded with the official defaults of the encoder (decoder = false: the decoder's defaults). */
    public static Builder defaults(boolean encoder) { return new Builder(encoder); }

    public int levels() { return chMult.size(); }

    /** Spatial downsampling factor 2^(levels-1). */
    public int spatialFactor() { return 1 << (levels() - 1); }

    /** Temporal downsampling factor: 2 per compress-time level. */
    public int temporalFactor() {
        int f = 1;
        for (int i = 0; i < levels() - 1; i++) if (temporalUpsample.get(i)) f *= 2;
        return f;
    }

    public static final class Builder {
        public int ch = 128, outCh = 3, numResBlocks = 2, numMidBlocks = 2, inChannels = 3, resolution = 256, zChannels = 16,
                temporalCompressTimes = 4;
        public List<Integer> chMult = List.of(1, 2, 4, 8);
        public List<Boolean> temporalUpsample;
        public double dropout = 0;
        public boolean resampWithConv = true, midAttn = true, newShuffle = false, freezeEntireEncoder = false, gradientCheckpoint = false,
                spatialInterpolate = false, temporalInterpolate = false;
        public String padMode = "first", norm = "groupnorm";

        Builder(boolean encoder) { temporalUpsample = encoder ? List.of(true, true, false) : List.of(false, true, true); }

        public CoderParams build() {
            return new CoderParams(ch, outCh, chMult, numResBlocks, numMidBlocks, temporalUpsample, dropout, resampWithConv, inChannels,
                    resolution, zChannels, padMode, temporalCompressTimes, norm, midAttn, newShuffle, freezeEntireEncoder,
                    gradientCheckpoint, spatialInterpolate, temporalInterpolate);
        }
    }
}
