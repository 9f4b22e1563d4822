package ssvae.vae.disc;

import ssvae.nn.LeakyReLU;
import ssvae.nn.Module;
import ssvae.nn.ModuleList;
import ssvae.nn.Sequential;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

/**
 * patchgan.PatchGAN2DDiscriminator applied to every frame: input_layer (SN conv 4x4/2 + bias, LeakyReLU 0.2),
 * log2(max_spatial_down) - 1 blocks (SN conv 4x4/2 without bias to ndf * min(2^n, 16)), out_layer (SN conv 4x4/1
 * pad 1 to ndf * min(2^n_layers, 8), LeakyReLU, plain conv 4x4/1 pad 1 to one logit map). [B, C, F, H, W] ->
 * [B, 1, F, H', W'].
 */
public final class PatchGan2D extends Module {
    private final boolean checkpoint;
    private final ModuleList blocks;

    public PatchGan2D(int inChannels, int ndf, int maxSpatialDown, boolean gradientCheckpoint, Generator g) {
        this.checkpoint = gradientCheckpoint;
        int nLayers = Disc.log2(maxSpatialDown, "max_spatial_down");
        if (nLayers < 1) throw new IllegalArgumentException("max_spatial_down must be at least 2, got " + maxSpatialDown);
        registerModule("input_layer", Disc.snConvLeaky(inChannels, ndf, 4, 2, 1, true, g));
        blocks = registerModule("blocks", new ModuleList());
        int mult = 1, prev;
        for (int n = 1; n < nLayers; n++) {
            prev = mult;
            mult = Math.min(1 << n, 16);
            blocks.add(Disc.snConvLeaky(ndf * prev, ndf * mult, 4, 2, 1, false, g));
        }
        prev = mult;
        mult = Math.min(1 << nLayers, 8);
        Sequential sn = Disc.snConvLeaky(ndf * prev, ndf * mult, 4, 1, 1, false, g);
        registerModule("out_layer", new Sequential(sn.get(0), new LeakyReLU(0.2), Disc.conv2d(ndf * mult, 1, 4, 1, 1, true, g)));
    }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() != 5) throw new IllegalArgumentException("discriminator input must be [B, C, F, H, W], got " + ssvae.tensor.Shape.str(x.shape()));
        int b = x.size(0), f = x.size(2);
        Tensor h = Disc.run(child("input_layer"), Disc.framesToBatch(x), checkpoint);
        for (Module m : blocks) h = Disc.run(m, h, checkpoint);
        h = child("out_layer").forward(h);
        return Disc.batchToFrames(h, b, f);
    }
}
