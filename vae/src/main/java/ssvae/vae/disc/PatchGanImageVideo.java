package ssvae.vae.disc;

import ssvae.nn.Module;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import java.util.List;

/** patchgan.PatchGANImageVideoDisc: the per-frame 2D and the causal 3D PatchGAN; logits (image, video). */
public final class PatchGanImageVideo extends Module {
    private final PatchGan2D d2;
    private final PatchGan3D d3;

    public PatchGanImageVideo(int inChannels, int ndf, int maxSpatialDown, int maxTemporalDown, boolean gradientCheckpoint, Generator g) {
        d2 = registerModule("patchgan_2d", new PatchGan2D(inChannels, ndf, maxSpatialDown, gradientCheckpoint, g));
        d3 = registerModule("patchgan_3d", new PatchGan3D(inChannels, ndf, maxSpatialDown, maxTemporalDown, gradientCheckpoint, g));
    }

    public List<Tensor> logits(Tensor x) { return List.of(d2.forward(x), d3.forward(x)); }
}
