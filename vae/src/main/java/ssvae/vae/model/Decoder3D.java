package ssvae.vae.model;

import ssvae.tensor.Tensor;

/**
 * dc_3dvae.Decoder3D. ch_mult becomes (m[-1],) + reversed(m); conv_in from z_channels to ch*m[0]; middle:
 * num_mid_blocks ResnetBlock3D with an AttentionBlock after each but the last (when mid_attn); level i has
 * num_res_blocks+1 ResnetBlock3D to ch*m[i+1] then (except the last level) a ResUpsample3D to ch*m[i+2] that
 * expands time when temporal_upsample[i]. Out: norm, SiLU, CausalConv3d to out_ch.
 */
public final class Decoder3D extends Layer {
    final CoderParams p;
    final Norms.Kind norm;
    final CausalConv3d convIn;
    final BlockList<Layer> mid;
    final BlockList<Level> up;
    final BlockList<Block> out;
    final Norms.Norm outNorm;
    final CausalConv3d outConv;

    /** One entry of self.up: "block" and optionally "upsample". */
    public static final class Level extends Block {
        final BlockList<ResnetBlock3D> block = child("block", new BlockList<>());
        ResUpsample3D upsample;
    }

    public Decoder3D(CoderParams p) {
        this.p = p;
        this.norm = Norms.Kind.parse(p.norm());
        int ch = p.ch(), n = p.levels();
        int[] m = new int[n + 1];
        m[0] = p.chMult().get(n - 1);
        for (int i = 0; i < n; i++) m[i + 1] = p.chMult().get(n - 1 - i);

        int blockIn = ch * m[0];
        convIn = child("conv_in", new CausalConv3d(p.zChannels(), blockIn, p.padMode()));
        mid = child("mid", new BlockList<>());
        for (int i = 0; i < p.numMidBlocks(); i++) {
            mid.add(new ResnetBlock3D(blockIn, blockIn, norm, p.dropout(), p.padMode()));
            if (i != p.numMidBlocks() - 1 && p.midAttn()) mid.add(new AttentionBlock(blockIn));
        }
        up = child("up", new BlockList<>());
        boolean already = false;
        for (int i = 0; i < n; i++) {
            Level lv = new Level();
            blockIn = ch * m[i];
            int blockOut = ch * m[i + 1];
            if (already) blockIn = blockOut;
            for (int b = 0; b < p.numResBlocks() + 1; b++) {
                lv.block.add(new ResnetBlock3D(blockIn, blockOut, norm, p.dropout(), p.padMode()));
                blockIn = blockOut;
            }
            if (i != n - 1) {
                blockOut = ch * m[i + 2];
                boolean ct = p.temporalUpsample().get(i);
                lv.upsample = lv.child("upsample", new ResUpsample3D(blockIn, blockOut, p.resampWithConv(), ct, p.spatialInterpolate(),
                        ct && p.temporalInterpolate(), p.newShuffle()));
                already = true;
            }
            up.add(lv);
        }
        out = child("out", new BlockList<>());
        outNorm = out.put(0, Norms.create(norm, blockIn));
        outConv = out.put(2, new CausalConv3d(blockIn, p.outCh(), p.padMode()));
    }

    public CoderParams params() { return p; }

    /** True when chunked decoding gives the one-pass result (no GroupNorm, no trilinear temporal interpolation). */
    public boolean chunkable() {
        return norm != Norms.Kind.GROUP && !(p.temporalInterpolate() && p.spatialInterpolate());
    }

    @Override public Tensor forward(Tensor z, CausalStream s) {
        if (z.dim() != 5 || z.size(1) != p.zChannels())
            throw new IllegalArgumentException("decoder input must be [B, " + p.zChannels() + ", T, H, W], got " + ssvae.tensor.Shape.str(z.shape()));
        Tensor h = convIn.forward(z, s);
        for (Layer l : mid.items()) h = Checkpointing.run(p.gradientCheckpoint(), l, h, s);
        for (Level lv : up.items()) {
            for (ResnetBlock3D b : lv.block.items()) h = Checkpointing.run(p.gradientCheckpoint(), b, h, s);
            if (lv.upsample != null) h = Checkpointing.run(p.gradientCheckpoint(), lv.upsample, h, s);
        }
        return outConv.forward(Inference.silu(outNorm.apply(h)), s);
    }

    /** get_last_layer(): out[2].conv.weight. */
    public Param lastLayer() { return outConv.conv.weight; }
}
