package ssvae.vae.inference;

import ssvae.tensor.GradMode;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;
import ssvae.vae.model.CausalStream;
import ssvae.vae.model.VideoAutoencoder;

import java.util.ArrayList;
import java.util.List;

/**
 * reconstruction.py's {@code model.decode(model.encode(video))} for one clip [1, 3, T, H, W] in [-1, 1]: the
 * posterior mode, normalised by the config's latent statistics and denormalised again (as the inference wrapper
 * does), decoded. Clips longer than one chunk (1 + chunkFrames frames) go through the causal chunked path
 * (1 frame, then chunkFrames frames at a time; the decoder 1 latent frame, then chunkFrames / f latent frames),
 * which gives the one-pass result up to float rounding with activations bounded by the chunk length.
 */
public final class Reconstructor {
    /** Frames after the first that one chunk holds by default: a 17-frame clip (the training length) is one pass. */
    public static final int DEFAULT_CHUNK_FRAMES = 16;

    /** Progress callback: step done of total (encoder chunks, then decoder chunks). */
    @FunctionalInterface
    public interface Listener { void step(String phase, int done, int total); }

    /** How a clip was processed. */
    public record Plan(int[] encoder, int[] decoder) {
        public int steps() { return encoder.length + decoder.length; }
        public boolean chunked() { return encoder.length > 1 || decoder.length > 1; }
    }

    private final VideoAutoencoder model;
    private final int chunkFrames;

    public Reconstructor(VideoAutoencoder model, int chunkFrames) {
        if (chunkFrames < 1) throw new IllegalArgumentException("chunk must be at least 1 frame, got " + chunkFrames);
        this.model = model;
        this.chunkFrames = chunkFrames;
    }

    /** The chunk plans for a clip of t frames (one entry each when it fits one chunk or the model needs one pass). */
    public Plan plan(int t) {
        int f = model.encoder().params().temporalFactor();
        if (t < 1 || (t - 1) % f != 0) throw new IllegalArgumentException("the clip has " + t + " frames; the encoder needs 1 + " + f + "k frames");
        int[] enc = t > 1 + chunkFrames && model.encoder().chunkable() ? model.encoderPlan(t, chunkFrames) : new int[] {t};
        int lt = (t - 1) / f + 1, lchunk = Math.max(1, chunkFrames / f);
        int[] dec = lt > 1 + lchunk && model.decoder().chunkable() ? VideoAutoencoder.decoderPlan(lt, lchunk) : new int[] {lt};
        return new Plan(enc, dec);
    }

    /** True when a clip of t frames needs chunks the model cannot run (GroupNorm or temporal interpolation). */
    public boolean forcedOnePass(int t) {
        int f = model.encoder().params().temporalFactor();
        int lt = (t - 1) / f + 1, lchunk = Math.max(1, chunkFrames / f);
        return (t > 1 + chunkFrames && !model.encoder().chunkable()) || (lt > 1 + lchunk && !model.decoder().chunkable());
    }

    /** The reconstruction [1, 3, T, H, W] (contiguous F32) of x [1, 3, T, H, W]. */
    public Tensor reconstruct(Tensor x, Listener listener) {
        int[] s = x.shape();
        int sf = model.encoder().params().spatialFactor(), c = model.encoder().params().inChannels();
        if (s.length != 5 || s[1] != c) throw new IllegalArgumentException("the clip must be [B, " + c + ", T, H, W], got " + Shape.str(s));
        if (s[3] % sf != 0 || s[4] % sf != 0)
            throw new IllegalArgumentException("the clip is " + s[4] + "x" + s[3] + "; height and width must be multiples of " + sf);
        Plan plan = plan(s[2]);
        Listener l = listener == null ? (p, d, t) -> { } : listener;
        int total = plan.steps();
        try (var ng = GradMode.noGrad()) {
            Tensor moments = run(plan.encoder(), x, 0, total, "encode", l, true);
            Tensor z = model.denormalise(model.latentFromMoments(moments));
            return run(plan.decoder(), z, plan.encoder().length, total, "decode", l, false).contiguous();
        }
    }

    /** Runs the encoder or decoder over the chunks of plan along time, reporting each finished chunk. */
    private Tensor run(int[] plan, Tensor in, int doneBefore, int total, String phase, Listener l, boolean encoder) {
        CausalStream s = plan.length == 1 ? CausalStream.onePass() : CausalStream.chunked();
        List<Tensor> outs = new ArrayList<>(plan.length);
        int at = 0;
        for (int i = 0; i < plan.length; i++) {
            Tensor part = in.narrow(2, at, plan[i]);
            outs.add(encoder ? model.encoder().forward(part, s) : model.decoder().forward(part, s));
            if (plan.length > 1) s.endChunk();
            at += plan[i];
            l.step(phase, doneBefore + i + 1, total);
        }
        return outs.size() == 1 ? outs.get(0) : Tensor.cat(outs, 2);
    }
}
