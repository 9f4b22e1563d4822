package ssvae.vae.model;

import ssvae.tensor.Tensor;

import java.util.List;

/**
 * dc_3dvae.Encoder3D. Channel plan: ch_mult is prefixed with 1; level i has num_res_blocks ResnetBlock3D from
 * ch*m[i] (or, after the first downsample, ch*m[i+1]) to ch*m[i+1], then (except the last level) a
 * ResDownSample3D to ch*m[i+2] that compresses time when temporal_upsample[i]. Middle: num_mid_blocks
 * ResnetBlock3D, each followed by an AttentionBlock when mid_attn and its index != num_res_blocks - 1 (the
 * official rule compares with num_res_blocks, not num_mid_blocks). Out: norm, SiLU, CausalConv3d to 2*z_channels.
 */
public final class Encoder3D extends Layer {
    final CoderParams p;
    final Norms.Kind norm;
    final CausalConv3d convIn;
    final BlockList<Level> down;
    final BlockList<Layer> mid;
    final BlockList<Block> out;
    final Norms.Norm outNorm;
    final CausalConv3d outConv;

    /** One entry of self.down: "block" (the resnet blocks) and optionally "downsample". */
    public static final class Level extends Block {
        final BlockList<ResnetBlock3D> block = child("block", new BlockList<>());
        ResDownSample3D downsample;
    }

    public Encoder3D(CoderParams p) {
        if (!p.resampWithConv()) throw new IllegalArgumentException("resamp_with_conv=false is not supported by ResDownSample3D (the official class fails on it too)");
        this.p = p;
        this.norm = Norms.Kind.parse(p.norm());
        int ch = p.ch();
        int[] m = new int[p.levels() + 1];
        m[0] = 1;
        for (int i = 0; i < p.levels(); i++) m[i + 1] = p.chMult().get(i);

        convIn = child("conv_in", new CausalConv3d(p.inChannels(), ch, p.padMode()));
        down = child("down", new BlockList<>());
        boolean already = false;
        int blockIn = ch;
        for (int i = 0; i < p.levels(); i++) {
            Level lv = new Level();
            blockIn = ch * m[i];
            int blockOut = ch * m[i + 1];
            if (already) blockIn = blockOut;
            for (int b = 0; b < p.numResBlocks(); b++) {
                lv.block.add(new ResnetBlock3D(blockIn, blockOut, norm, p.dropout(), p.padMode()));
                blockIn = blockOut;
            }
            if (i != p.levels() - 1) {
                blockOut = ch * m[i + 2];
                boolean ct = p.temporalUpsample().get(i);
                lv.downsample = lv.child("downsample", new ResDownSample3D(blockIn, blockOut, ct, p.newShuffle() ? "first" : "constant"));
                already = true;
            }
            down.add(lv);
        }
        // after the loop block_in is the last level's output width (the official code reuses that variable)
        mid = child("mid", new BlockList<>());
        for (int i = 0; i < p.numMidBlocks(); i++) {
            mid.add(new ResnetBlock3D(blockIn, blockIn, norm, p.dropout(), p.padMode()));
            if (i != p.numResBlocks() - 1 && p.midAttn()) mid.add(new AttentionBlock(blockIn));
        }
        out = child("out", new BlockList<>());
        outNorm = out.put(0, Norms.create(norm, blockIn));
        outConv = out.put(2, new CausalConv3d(blockIn, 2 * p.zChannels(), p.padMode()));
        if (p.freezeEntireEncoder()) setTrainable(false);
    }

    public CoderParams params() { return p; }

    /** True when every layer is causal per position (chunked encoding gives the one-pass result). */
    public boolean chunkable() { return norm != Norms.Kind.GROUP; }

    @Override public Tensor forward(Tensor x, CausalStream s) {
        if (x.dim() != 5 || x.size(1) != p.inChannels())
            throw new IllegalArgumentException("encoder input must be [B, " + p.inChannels() + ", T, H, W], got " + ssvae.tensor.Shape.str(x.shape()));
        Tensor h = convIn.forward(x, s);
        for (Level lv : down.items()) {
            for (ResnetBlock3D b : lv.block.items()) h = Checkpointing.run(p.gradientCheckpoint(), b, h, s);
            if (lv.downsample != null) h = Checkpointing.run(p.gradientCheckpoint(), lv.downsample, h, s);
        }
        for (Layer l : mid.items()) h = Checkpointing.run(p.gradientCheckpoint(), l, h, s);
        return outConv.forward(Inference.silu(outNorm.apply(h)), s);
    }

    /** get_last_layer(): out[2].conv.weight. */
    public Param lastLayer() { return outConv.conv.weight; }

    List<Level> levels() { return down.items(); }
}
