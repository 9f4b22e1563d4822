package ssvae.vae.parity;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ssvae.nn.Module;
import ssvae.tensor.DType;
import ssvae.tensor.F;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;
import ssvae.vae.disc.PatchGan2D;
import ssvae.vae.disc.PatchGan3D;
import ssvae.vae.disc.PatchGanImageVideo;
import ssvae.vae.loss.Discriminator;
import ssvae.vae.loss.LossConfig;
import ssvae.vae.loss.VaeLoss;
import ssvae.vae.lpips.Lpips;
import ssvae.vae.regularizers.GaussianRegularizer;
import ssvae.vae.regularizers.LocalCorrelation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The training losses against the OFFICIAL PyTorch modules (make_parity_fixtures.py): the PatchGAN discriminators
 * (2-D; 3-D with one causal temporal level; image+video, whose 3-D part has two) in eval mode and in train mode (one spectral-norm
 * power iteration, updated u/v buffers compared too), LPIPS (torchvision VGG16 layout, official key names, weights
 * from a seeded hash shared with the generator), and GeneralLPIPSWithDiscriminator: the generator step with adaptive
 * GAN and LCR weights and its gradients, and the discriminator step (hinge and vanilla). Tolerance 1e-4 in the
 * measure of OfficialParityTest (correlations: floor 0.1); LPIPS float64 run 1e-9.
 */
class LossParityTest {
    static final double TOL = OfficialParityTest.TOL_F32;

    /** Mirror of make_parity_fixtures.hash_codes: fmix32(i * 0x9E3779B1 + seed) >>> 8, centred. */
    static float[] hashValues(int n, int seed, int e, boolean abs) {
        float[] out = new float[n];
        double scale = Math.scalb(1.0, -(23 + e));
        for (int i = 0; i < n; i++) {
            int h = i * 0x9E3779B1 + seed;
            h ^= h >>> 16;
            h *= 0x85EBCA6B;
            h ^= h >>> 13;
            h *= 0xC2B2AE35;
            h ^= h >>> 16;
            long q = (long) (h >>> 8) - (1 << 23);
            out[i] = (float) ((abs ? Math.abs(q) : q) * scale);
        }
        return out;
    }

    /** The hashed parameters described by a recipe [[key, shape, seed, e, abs], ...]. */
    static Map<String, Tensor> hashed(JsonNode recipe) {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (JsonNode r : recipe) {
            int[] shape = new int[r.get(1).size()];
            int n = 1;
            for (int i = 0; i < shape.length; i++) n *= shape[i] = r.get(1).get(i).asInt();
            sd.put(r.get(0).asText(), Tensor.fromArray(hashValues(n, r.get(2).asInt(), r.get(3).asInt(), r.get(4).asBoolean()), shape));
        }
        return sd;
    }

    /** LPIPS with hashed parameters and the given scaling_layer buffers (null: keep ours). */
    static Lpips lpips(JsonNode recipe, Map<String, Tensor> buffers) {
        Lpips l = new Lpips(new Generator(1));
        Map<String, Tensor> sd = hashed(recipe);
        if (buffers == null) {
            for (var e : l.stateDict().entrySet()) if (e.getKey().startsWith("scaling_layer")) sd.put(e.getKey(), e.getValue());
        } else {
            sd.putAll(buffers);
        }
        l.loadStateDict(sd, true);
        return l;
    }

    private static double check(String what, Tensor ours, Tensor official, double tol) {
        double e = Fixture.relErr(ours, official);
        assertTrue(e <= tol, what + ": rel err " + e + " > " + tol);
        return e;
    }

    @Test
    void lpipsMatchesOfficial() {
        Fixture f = Fixture.load("lpips");
        Map<String, Tensor> scaling = new LinkedHashMap<>();
        for (String k : List.of("scaling_layer.shift", "scaling_layer.scale")) scaling.put(k, f.get(k));
        Lpips l = lpips(f.json("recipe"), scaling);
        try (var ng = GradMode.noGrad()) {
            double e32 = check("lpips f32", l.distance(f.get("a"), f.get("b")), f.get("f32.distance"), TOL);
            l.to(DType.F64);   // one pair in float64 (VGG16 in F64 is slow on CI)
            double e64 = check("lpips f64", l.distance(f.get("a").narrow(0, 0, 1).to(DType.F64), f.get("b").narrow(0, 0, 1).to(DType.F64)),
                    f.get("f64.distance").narrow(0, 0, 1), OfficialParityTest.TOL_F64);
            System.out.printf("official parity LPIPS: f32 %.2e, f64 %.2e%n", e32, e64);
        }
    }

    static List<Tensor> discLogits(Module d, Tensor x) {
        return d instanceof PatchGanImageVideo iv ? iv.logits(x) : List.of(d.forward(x));
    }

    @ParameterizedTest
    @ValueSource(strings = {"disc_2d", "disc_3d_t2", "disc_iv"})
    void discriminatorMatchesOfficial(String name) {
        Fixture f = Fixture.load(name);
        JsonNode p = f.json("params");
        int ndf = p.get("ndf").asInt(), msd = p.get("max_spatial_down").asInt();
        Generator g = new Generator(1);
        Module d = switch (f.meta().get("class")) {
            case "PatchGAN2DDiscriminator" -> new PatchGan2D(3, ndf, msd, false, g);
            case "PatchGAN3DDiscriminator" -> new PatchGan3D(3, ndf, msd, p.get("max_temporal_down").asInt(), false, g);
            case "PatchGANImageVideoDisc" -> new PatchGanImageVideo(3, ndf, msd, p.get("max_temporal_down").asInt(), false, g);
            default -> throw new AssertionError(f.meta().get("class"));
        };
        d.loadStateDict(f.stateDict(k -> !k.equals("x") && !k.startsWith("eval.") && !k.startsWith("train."), ""), true);
        Tensor x = f.get("x").to(DType.F32);
        double worst = 0;
        try (var ng = GradMode.noGrad()) {
            for (String mode : List.of("eval", "train")) {
                d.train(mode.equals("train"));
                List<Tensor> out = discLogits(d, x);
                for (int i = 0; i < out.size(); i++)
                    worst = Math.max(worst, check(name + " " + mode + " logits " + i, out.get(i), f.get(mode + ".logits" + i), TOL));
                assertFalse(f.has(mode + ".logits" + out.size()), name + " returns fewer logit maps than the official");
            }
            int buffers = 0;
            for (var e : d.namedBuffers().entrySet()) {
                worst = Math.max(worst, check(name + " power-iterated " + e.getKey(), e.getValue(), f.get("train.buffer." + e.getKey()), TOL));
                buffers++;
            }
            assertTrue(buffers > 0);
        }
        System.out.printf("official parity %s: eval/train logits and u/v after one power iteration, max rel err %.2e%n", name, worst);
    }

    @ParameterizedTest
    @ValueSource(strings = {"loss_hinge", "loss_vanilla"})
    void generatorAndDiscriminatorStepsMatchOfficial(String name) {
        Fixture f = Fixture.load(name);
        LossConfig cfg = LossConfig.read(f.json("loss_config"), name);
        Generator g = new Generator(1);
        Discriminator disc = Discriminator.build(cfg, g);
        disc.module().loadStateDict(f.stateDict(k -> k.startsWith("discriminator."), "discriminator."), true);
        disc.module().train(true);
        Lpips lp = lpips(f.json("lpips_recipe"), null);   // our scaling_layer buffers (lpipsMatchesOfficial checks them)
        VaeLoss loss = new VaeLoss(cfg, lp, disc);

        Tensor x = f.get("x").to(DType.F32);
        Tensor wDec = f.get("w_dec").to(DType.F32).requiresGrad(true), wEnc = f.get("w_enc").to(DType.F32).requiresGrad(true);
        Tensor moments = F.conv3d(f.get("h_enc").to(DType.F32), wEnc, null, 1, 1);
        var lcr = new GaussianRegularizer.LcrConfig(new int[] {2, 2, 2}, new LocalCorrelation.FrameWeight(), true);
        var reg = new GaussianRegularizer(false, false, false, lcr).forward(moments, null);
        Tensor xrec = F.conv3d(f.get("h_dec").to(DType.F32).add(reg.z()), wDec, f.get("b_dec").to(DType.F32), 1, 1);

        VaeLoss.Result gen = loss.generator(x, xrec, 1, wDec, wEnc, reg.log(), true, "train");
        double worst = Fixture.relErr(gen.loss().item(), f.scalar("gen.total"), 1e-6);
        assertTrue(worst <= TOL, name + " total " + gen.loss().item() + " vs " + f.scalar("gen.total"));
        gen.loss().backward();
        worst = Math.max(worst, check(name + " dL/dW_dec", wDec.grad(), f.get("gen.grad_w_dec"), TOL));
        worst = Math.max(worst, check(name + " dL/dW_enc", wEnc.grad(), f.get("gen.grad_w_enc"), TOL));
        VaeLoss.Result dis;
        try (var ng = GradMode.noGrad()) {
            dis = loss.discriminator(x, xrec.detach(), 1, true, "train");
        }
        Map<String, Double> log = new LinkedHashMap<>(gen.log());
        log.putAll(dis.log());
        int compared = 0;
        for (String key : f.tensors().keySet()) {
            if (!key.startsWith("log.")) continue;
            String k = key.substring(4);
            assertTrue(log.containsKey(k), name + ": our log lacks the official key " + k + " (ours: " + log.keySet() + ")");
            double floor = k.contains("localcorr") ? 0.1 : 1e-6;
            double e = Fixture.relErr(log.get(k), f.scalar(key), floor);
            assertTrue(e <= TOL, name + " " + k + ": " + log.get(k) + " vs official " + f.scalar(key) + " (rel err " + e + ")");
            worst = Math.max(worst, e);
            compared++;
        }
        assertTrue(compared >= 15, "compared " + compared + " log values");
        for (var e : disc.module().namedBuffers().entrySet())
            worst = Math.max(worst, check(name + " u/v after both steps " + e.getKey(), e.getValue(), f.get("after.discriminator." + e.getKey()), TOL));
        System.out.printf("official parity %s: total, gradients, %d log values, u/v: max rel err %.2e%n", name, compared, worst);
    }
}
