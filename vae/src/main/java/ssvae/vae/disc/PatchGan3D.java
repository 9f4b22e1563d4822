package ssvae.vae.disc;

import ssvae.nn.LeakyReLU;
import ssvae.nn.Module;
import ssvae.nn.ModuleList;
import ssvae.nn.Sequential;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

/**
 * patchgan.PatchGAN3DDiscriminator: conv_in (causal conv 3x3x3, time and space stride 2, pad_2d [0, 1, 0, 1],
 * LeakyReLU 0.2); down blocks n = 1 .. log2(max_spatial_down) - 1 to ndf * min(2^n, 16): causal 3D convs with
 * time stride 2 while n < log2(max_temporal_down), then per-frame SN Conv2d 3x3/2 pad 1 (frames folded into the
 * batch from block log2(max_temporal_down) on); out: causal conv to ndf * min(2^n_layers, 8), LeakyReLU, causal conv
 * to 1 channel. Every causal conv is spectral-normalised. The official forward needs
 * 1 <= log2(max_temporal_down) <= log2(max_spatial_down) - 1 (else its B, F are undefined); so does this one.
 */
public final class PatchGan3D extends Module {
    private final boolean checkpoint;
    private final int temporalDownLayers;
    private final ModuleList down;

    public PatchGan3D(int inChannels, int ndf, int maxSpatialDown, int maxTemporalDown, boolean gradientCheckpoint, Generator g) {
        this.checkpoint = gradientCheckpoint;
        int nLayers = Disc.log2(maxSpatialDown, "max_spatial_down");
        temporalDownLayers = Disc.log2(maxTemporalDown, "max_temporal_down");
        if (temporalDownLayers < 1 || temporalDownLayers > nLayers - 1)
            throw new IllegalArgumentException("PatchGAN3D needs 2 <= max_temporal_down <= max_spatial_down / 2, got max_temporal_down "
                    + maxTemporalDown + " with max_spatial_down " + maxSpatialDown);
        int[] pad = {0, 1, 0, 1};
        registerModule("conv_in", new Sequential(new DiscCausalConv3d(inChannels, ndf, 2, 2, pad, true, g), new LeakyReLU(0.2)));
        down = registerModule("down_blocks", new ModuleList());
        int mult = 1, prev;
        for (int n = 1; n < nLayers; n++) {
            prev = mult;
            mult = Math.min(1 << n, 16);
            if (n < temporalDownLayers)
                down.add(new Sequential(new DiscCausalConv3d(ndf * prev, ndf * mult, 2, 2, pad, false, g), new LeakyReLU(0.2)));
            else down.add(Disc.snConvLeaky(ndf * prev, ndf * mult, 3, 2, 1, false, g));
        }
        prev = mult;
        mult = Math.min(1 << nLayers, 8);
        registerModule("out", new Sequential(new DiscCausalConv3d(ndf * prev, ndf * mult, 1, 1, null, false, g), new LeakyReLU(0.2),
                new DiscCausalConv3d(ndf * mult, 1, 1, 1, null, true, g)));
    }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() != 5) throw new IllegalArgumentException("discriminator input must be [B, C, F, H, W], got " + ssvae.tensor.Shape.str(x.shape()));
        Tensor h = child("conv_in").forward(x);
        int b = 0, f = 0, i = 0;
        for (Module m : down) {
            if (i + 1 == temporalDownLayers) {
                b = h.size(0);
                f = h.size(2);
                h = Disc.framesToBatch(h);
            }
            h = Disc.run(m, h, checkpoint);
            i++;
        }
        h = Disc.batchToFrames(h, b, f).contiguous();
        return child("out").forward(h);
    }
}
