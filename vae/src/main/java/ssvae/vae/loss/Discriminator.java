package ssvae.vae.loss;

import ssvae.nn.Module;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;
import ssvae.vae.disc.PatchGan2D;
import ssvae.vae.disc.PatchGan3D;
import ssvae.vae.disc.PatchGanImageVideo;

import java.util.List;

/** The configured discriminator: its module (state dict "discriminator.*" in the official loss) and its logits. */
public record Discriminator(Module module, boolean tuple) {
    public List<Tensor> logits(Tensor x) {
        if (module instanceof PatchGanImageVideo iv) return iv.logits(x);
        return List.of(module.forward(x));
    }

    public static Discriminator build(LossConfig c, Generator g) {
        if (c.discTarget() == null) return null;
        return switch (c.discTarget()) {
            case LossConfig.IMAGE_VIDEO -> new Discriminator(new PatchGanImageVideo(c.discInChannels(), c.ndf(), c.maxSpatialDown(), c.maxTemporalDown(), c.discCheckpoint(), g), true);
            case LossConfig.DISC_2D -> new Discriminator(new PatchGan2D(c.discInChannels(), c.ndf(), c.maxSpatialDown(), c.discCheckpoint(), g), false);
            case LossConfig.DISC_3D -> new Discriminator(new PatchGan3D(c.discInChannels(), c.ndf(), c.maxSpatialDown(), c.maxTemporalDown(), c.discCheckpoint(), g), false);
            default -> throw new IllegalArgumentException("unknown discriminator " + c.discTarget());
        };
    }
}
