package ssvae.vae.model;

import ssvae.tensor.DType;
import ssvae.tensor.Half;

import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;
import ssvae.vae.regularizers.GaussianRegularizer;
import ssvae.vae.regularizers.LatentMasking;

import java.util.ArrayList;
import java.util.List;

/**
 * models.autoencoder.VideoAutoencodingEngine / VideoAutoencoderInferenceWrapper without the loss: encoder,
 * decoder, the Gaussian regulariser (KL, LCR), latent masked reconstruction with a learned mask_token
 * [1, z, 1, 1, 1] when lmr_config is given, and the per-channel latent normalisation (mean/std) of the inference
 * config. State-dict keys: encoder.*, decoder.*, mask_token.
 */
public final class VideoAutoencoder extends Block {
    final Encoder3D encoder;
    final Decoder3D decoder;
    final Param maskToken;
    final GaussianRegularizer regularizer;
    final LatentMasking lmr;
    final double[] latentMean, latentStd;
    /** The per-channel factor applied to (mu - mean): 1/std held in the statistics dtype, as the official wrapper. */
    final double[] latentInvStd;
    private boolean lmrEnabled = true;

    public VideoAutoencoder(CoderParams enc, CoderParams dec, GaussianRegularizer regularizer, LatentMasking lmr,
                            double[] latentMean, double[] latentStd) {
        this(enc, dec, regularizer, lmr, latentMean, latentStd, DType.F64);
    }

    /**
     * statsDtype is the dtype the latent statistics are held in. The official VideoAutoencoderInferenceWrapper
     * (dtype bfloat16 by default) stores mean = bf16(mean) and inverse_std = 1.0 / bf16(std) computed in bf16,
     * then uses z = (mu - mean) * inverse_std and x = z / inverse_std + mean; F64 keeps the exact values.
     */
    public VideoAutoencoder(CoderParams enc, CoderParams dec, GaussianRegularizer regularizer, LatentMasking lmr,
                            double[] latentMean, double[] latentStd, DType statsDtype) {
        encoder = child("encoder", new Encoder3D(enc));
        decoder = child("decoder", new Decoder3D(dec));
        this.regularizer = regularizer;
        this.lmr = lmr;
        maskToken = lmr != null ? param("mask_token", Param.Init.NORMAL, 1, dec.zChannels(), 1, 1, 1) : null;
        if ((latentMean == null) != (latentStd == null)) throw new IllegalArgumentException("latent mean and std must be given together");
        if (latentMean != null && (latentMean.length != dec.zChannels() || latentStd.length != dec.zChannels()))
            throw new IllegalArgumentException("latent mean/std need " + dec.zChannels() + " values, got " + latentMean.length + " and " + latentStd.length);
        if (enc.zChannels() != dec.zChannels())
            throw new IllegalArgumentException("encoder z_channels " + enc.zChannels() + " != decoder z_channels " + dec.zChannels());
        this.latentMean = latentMean == null ? null : roundTo(latentMean, statsDtype);
        this.latentStd = latentStd == null ? null : roundTo(latentStd, statsDtype);
        this.latentInvStd = latentStd == null ? null : roundTo(inverse(this.latentStd), statsDtype);
    }

    /** Values rounded to dtype as torch.tensor(values, dtype=...) does (F64: unchanged). */
    static double[] roundTo(double[] v, DType dtype) {
        double[] r = v.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] = switch (dtype) {
                case F64 -> r[i];
                case F32 -> (float) r[i];
                case BF16 -> Half.bf16ToFloat(Half.floatToBf16((float) r[i]));
                case F16 -> Half.f16ToFloat(Half.floatToF16((float) r[i]));
                default -> throw new IllegalArgumentException("latent statistics need a floating dtype, got " + dtype);
            };
        }
        return r;
    }

    public Encoder3D encoder() { return encoder; }
    public Decoder3D decoder() { return decoder; }
    public GaussianRegularizer regularizer() { return regularizer; }
    public LatentMasking lmr() { return lmr; }
    public Param maskToken() { return maskToken; }
    public boolean normalisesLatents() { return latentMean != null; }

    // ------------------------------------------------------------------ encoder

    /** Encoder moments [B, 2z, T', H', W'] in one pass. */
    public Tensor encodeMoments(Tensor x) {
        checkFrames(x.size(2), encoder.params().temporalFactor(), "input");
        return encoder.forward(x, CausalStream.onePass());
    }

    /**
     * The moments computed chunk by chunk along time (no gradient): plan[0] frames first (1 + f*k), then plan[i]
     * frames (multiples of the temporal factor f). Equals {@link #encodeMoments} up to float rounding.
     */
    public Tensor encodeMomentsChunked(Tensor x, int[] plan) {
        if (!encoder.chunkable()) throw new IllegalArgumentException("chunked encoding needs norm rmsnorm or layernorm (groupnorm normalises over time)");
        int f = encoder.params().temporalFactor();
        checkFrames(x.size(2), f, "input");
        checkPlan(plan, x.size(2), f, "encoder");
        CausalStream s = CausalStream.chunked();
        List<Tensor> outs = new ArrayList<>();
        try (var ng = GradMode.noGrad()) {
            int at = 0;
            for (int n : plan) {
                outs.add(encoder.forward(x.narrow(2, at, n), s));
                s.endChunk();
                at += n;
            }
        }
        return outs.size() == 1 ? outs.get(0) : Tensor.cat(outs, 2);
    }

    /** A chunk plan: 1 frame, then chunks of chunkFrames (rounded down to the temporal factor), the last shorter. */
    public int[] encoderPlan(int frames, int chunkFrames) {
        int f = encoder.params().temporalFactor();
        int step = Math.max(f, chunkFrames / f * f);
        List<Integer> plan = new ArrayList<>();
        plan.add(1);
        for (int at = 1; at < frames; at += step) plan.add(Math.min(step, frames - at));
        return plan.stream().mapToInt(Integer::intValue).toArray();
    }

    // ------------------------------------------------------------------ decoder

    /** Decoder output from (unnormalised) z in one pass. */
    public Tensor decode(Tensor z) { return decoder.forward(z, CausalStream.onePass()); }

    /** Decoding chunk by chunk along latent time (no gradient): plan[0] latent frames first, then plan[i]. */
    public Tensor decodeChunked(Tensor z, int[] plan) {
        if (!decoder.chunkable())
            throw new IllegalArgumentException("chunked decoding needs norm rmsnorm or layernorm and no temporal_interpolate");
        checkPlan(plan, z.size(2), 1, "decoder");
        CausalStream s = CausalStream.chunked();
        List<Tensor> outs = new ArrayList<>();
        try (var ng = GradMode.noGrad()) {
            int at = 0;
            for (int n : plan) {
                outs.add(decoder.forward(z.narrow(2, at, n), s));
                s.endChunk();
                at += n;
            }
        }
        return outs.size() == 1 ? outs.get(0) : Tensor.cat(outs, 2);
    }

    /** 1 latent frame, then chunks of chunkFrames latent frames. */
    public static int[] decoderPlan(int latentFrames, int chunkFrames) {
        List<Integer> plan = new ArrayList<>();
        plan.add(1);
        int step = Math.max(1, chunkFrames);
        for (int at = 1; at < latentFrames; at += step) plan.add(Math.min(step, latentFrames - at));
        return plan.stream().mapToInt(Integer::intValue).toArray();
    }

    // ------------------------------------------------------------------ latents

    /** The posterior mode, normalised as (mu - mean) * (1/std) when the config has latent statistics. */
    public Tensor latentFromMoments(Tensor moments) {
        Tensor mu = moments.chunk(2, 1).get(0);
        if (latentMean == null) return mu;
        return mu.sub(channelVector(latentMean, mu)).mul(channelVector(latentInvStd, mu));
    }

    /** Undoes {@link #latentFromMoments}'s normalisation: z / (1/std) + mean. */
    public Tensor denormalise(Tensor latent) {
        if (latentMean == null) return latent;
        return latent.div(channelVector(latentInvStd, latent)).add(channelVector(latentMean, latent));
    }

    private static double[] inverse(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = 1.0 / v[i];
        return r;
    }

    private static Tensor channelVector(double[] v, Tensor like) {
        if (like.size(1) != v.length) throw new IllegalArgumentException("latent has " + like.size(1) + " channels, the statistics " + v.length);
        return Tensor.fromArray(v, 1, v.length, 1, 1, 1).to(like.dtype(), like.device());
    }

    // ------------------------------------------------------------------ training forward

    /** Result of forward(): the (masked) latent, the reconstruction and the regulariser's log. */
    public record Output(Tensor z, Tensor reconstruction, GaussianRegularizer.Output reg) {}

    /**
     * Turns latent masking off or on. As in the official forward, LMR applies whenever lmr_config is given, in eval
     * mode (validation) as well; switch it off for clean reconstructions.
     */
    public void setLmrEnabled(boolean on) { lmrEnabled = on; }

    /** AutoencodingEngineSSVAE.forward: encode, regularise (sample from g), LMR when configured, decode. */
    public Output forward(Tensor x, Generator g) {
        Tensor moments = encodeMoments(x);
        GaussianRegularizer.Output reg = regularizer.forward(moments, g);
        Tensor z = reg.z();
        if (lmr != null && lmrEnabled) z = lmr.apply(z, maskToken.value(), decoder.params().spatialFactor(), g);
        return new Output(z, decode(z), reg);
    }

    private static void checkFrames(int t, int f, String what) {
        if ((t - 1) % f != 0)
            throw new IllegalArgumentException(what + " has " + t + " frames; the encoder needs 1 + " + f + "k frames");
    }

    private static void checkPlan(int[] plan, int total, int f, String what) {
        int sum = 0;
        for (int i = 0; i < plan.length; i++) {
            int n = plan[i];
            if (n < 1) throw new IllegalArgumentException(what + " chunk " + i + " has " + n + " frames");
            if (i == 0 && (n - 1) % f != 0) throw new IllegalArgumentException(what + " first chunk needs 1 + " + f + "k frames, got " + n);
            if (i > 0 && n % f != 0) throw new IllegalArgumentException(what + " chunk " + i + " needs a multiple of " + f + " frames, got " + n);
            sum += n;
        }
        if (sum != total) throw new IllegalArgumentException(what + " chunk plan covers " + sum + " frames of " + total);
    }
}
