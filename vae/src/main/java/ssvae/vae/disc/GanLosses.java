package ssvae.vae.disc;

import ssvae.tensor.Tensor;

import java.util.List;

/** lpips.vqperceptual: the generator loss and the hinge / vanilla discriminator losses. */
public final class GanLosses {
    private GanLosses() {}

    /** calc_gen_loss: -mean(logits_fake). */
    public static Tensor generator(Tensor logitsFake) { return logitsFake.mean().neg(); }

    /** hinge_d_loss: 0.5 (mean(relu(1 - real)) + mean(relu(1 + fake))). */
    public static Tensor hinge(Tensor real, Tensor fake) {
        return real.rsub(1.0).relu().mean().add(fake.add(1.0).relu().mean()).mul(0.5);
    }

    /** softplus(x) = max(x, 0) + log1p(exp(-|x|)), stable for large |x|. */
    static Tensor softplus(Tensor x) { return x.relu().add(x.abs().neg().exp().log1p()); }

    /** vanilla_d_loss: 0.5 (mean(softplus(-real)) + mean(softplus(fake))). */
    public static Tensor vanilla(Tensor real, Tensor fake) {
        return softplus(real.neg()).mean().add(softplus(fake).mean()).mul(0.5);
    }

    /** hinge or vanilla by name. */
    public static Tensor discriminator(String kind, Tensor real, Tensor fake) {
        return switch (kind) {
            case "hinge" -> hinge(real, fake);
            case "vanilla" -> vanilla(real, fake);
            default -> throw new IllegalArgumentException("disc_loss must be hinge or vanilla, got " + kind);
        };
    }

    /** The generator loss over a tuple of logits: the mean of the per-output losses. */
    public static Tensor generator(List<Tensor> logitsFake) {
        Tensor g = null;
        for (Tensor l : logitsFake) g = g == null ? generator(l) : g.add(generator(l));
        return g.div(logitsFake.size());
    }

    /** The discriminator loss over tuples: the mean of the per-output losses. */
    public static Tensor discriminator(String kind, List<Tensor> real, List<Tensor> fake) {
        Tensor d = null;
        for (int i = 0; i < real.size(); i++) {
            Tensor l = discriminator(kind, real.get(i), fake.get(i));
            d = d == null ? l : d.add(l);
        }
        return d.div(real.size());
    }
}
