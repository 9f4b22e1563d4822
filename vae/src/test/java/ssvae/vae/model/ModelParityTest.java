package ssvae.vae.model;

import org.junit.jupiter.api.Test;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The F32 model against the float64 loop reference of the official forward (Ref), on small configs covering every
 * block type, norm, padding mode, shortcut group size and resampling option, for video and image inputs.
 * Tolerance: max abs error / max abs reference value <= 1e-4.
 */
class ModelParityTest {
    static final double TOL = 1e-4;

    private static void check(String name, CoderParams[] p, long seed, int[] videoShape) {
        VideoAutoencoder m = ParityFixtures.model(p);
        Map<String, Ref.A> sd = ParityFixtures.randomise(m, seed);
        Ref ref = new Ref(sd);
        try (var g = GradMode.noGrad()) {
            Object[] in = ParityFixtures.input(seed + 1, videoShape);
            Tensor x = (Tensor) in[0];
            Tensor moments = m.encodeMoments(x);
            Ref.A rm = ref.encoder((Ref.A) in[1], p[0]);
            double e1 = ParityFixtures.relErr(moments, rm);
            assertTrue(e1 <= TOL, name + " encoder moments rel err " + e1);
            // decoder on the reference moments' mean half (same input for both)
            Tensor z = moments.chunk(2, 1).get(0).contiguous();
            Ref.A rz = ParityFixtures.toRef(z);
            Tensor y = m.decode(z);
            Ref.A ry = ref.decoder(rz, p[1]);
            double e2 = ParityFixtures.relErr(y, ry);
            assertTrue(e2 <= TOL, name + " decoder output rel err " + e2);
            double kl = m.regularizer().forward(moments, null).log().get("kl_loss").item();
            double rkl = Ref.kl(rm);
            assertEquals(rkl, kl, TOL * Math.abs(rkl), name + " KL");
            var lcrCfg = new ssvae.vae.regularizers.GaussianRegularizer.LcrConfig(new int[] {2, 2, 2},
                    new ssvae.vae.regularizers.LocalCorrelation.FrameWeight(), true);
            var lcr = ssvae.vae.regularizers.GaussianRegularizer.localCorrelation(z, lcrCfg);
            Ref.A rmode = new Ref.A(meanHalf(rm), rm.s[0], rm.s[1] / 2, rm.s[2], rm.s[3], rm.s[4]);
            double[] rl = Ref.lcr(rmode, 2, 2, 2, "frame_weight");
            assertEquals(rl[2], lcr.avg().item(), TOL * Math.abs(rl[2]) + 1e-6, name + " LCR avg");
            assertEquals(rl[0], lcr.image().item(), TOL * Math.abs(rl[0]) + 1e-6, name + " LCR image");
            if (lcr.video() != null) assertEquals(rl[1], lcr.video().item(), TOL * Math.abs(rl[1]) + 1e-6, name + " LCR video");
            System.out.printf("parity %s: moments %.2e, decoder %.2e, KL %.6g vs %.6g, LCR avg %.6g vs %.6g (|moments| max %.3g)%n", name, e1, e2, kl, rkl, lcr.avg().item(), rl[2], max(rm));
        }
    }

    /** The mean half (channels [0, C/2)) of reference moments. */
    private static double[] meanHalf(Ref.A m) {
        int z = m.C() / 2;
        Ref.A out = new Ref.A(m.B(), z, m.T(), m.H(), m.W());
        for (int b = 0; b < m.B(); b++) for (int c = 0; c < z; c++) for (int t = 0; t < m.T(); t++) for (int h = 0; h < m.H(); h++) for (int w = 0; w < m.W(); w++)
            out.p(b, c, t, h, w, m.g(b, c, t, h, w));
        return out.d;
    }

    private static double max(Ref.A a) {
        double m = 0;
        for (double v : a.d) m = Math.max(m, Math.abs(v));
        return m;
    }

    @Test void configA_rms_first_video() { check("A", ParityFixtures.configA(), 11, new int[] {1, 3, 9, 16, 16}); }
    @Test void configA_rms_first_images() { check("A-image", ParityFixtures.configA(), 12, new int[] {2, 3, 1, 16, 16}); }
    @Test void configB_groupnorm_constant_bilinear() { check("B", ParityFixtures.configB(), 13, new int[] {1, 3, 3, 8, 8}); }
    @Test void configC_layernorm_newshuffle_trilinear() { check("C", ParityFixtures.configC(), 14, new int[] {1, 3, 5, 8, 8}); }
    @Test void configC_image() { check("C-image", ParityFixtures.configC(), 15, new int[] {1, 3, 1, 8, 8}); }
    @Test void configD_2d_then_3d() { check("D", ParityFixtures.configD(), 16, new int[] {1, 3, 5, 16, 16}); }

    @Test
    void midAttentionPlacementFollowsOfficialRule() {
        // encoder: attention after mid block i when i != num_res_blocks - 1; decoder: when i != num_mid_blocks - 1
        var keysA = ParityFixtures.model(ParityFixtures.configA()).namedParams().keySet();
        assertTrue(keysA.contains("encoder.mid.2.to_qkv.weight"));   // [res, res, attn]
        assertTrue(keysA.contains("encoder.mid.1.conv1.conv.weight"));
        assertTrue(keysA.contains("decoder.mid.1.to_qkv.weight"));   // [res, attn, res]
        assertTrue(keysA.contains("decoder.mid.2.conv1.conv.weight"));
        var keysB = ParityFixtures.model(ParityFixtures.configB()).namedParams().keySet();
        assertTrue(keysB.contains("encoder.mid.1.to_qkv.weight"));   // [res, attn, res, res, attn]
        assertTrue(keysB.contains("encoder.mid.3.conv1.conv.weight"));
        assertTrue(keysB.contains("encoder.mid.4.to_qkv.weight"));
        assertTrue(keysB.contains("decoder.mid.3.to_qkv.weight"));   // [res, attn, res, attn, res]
        assertTrue(keysB.contains("decoder.mid.4.conv1.conv.weight"));
        var keysD = ParityFixtures.model(ParityFixtures.configD()).namedParams().keySet();
        assertFalse(keysD.stream().anyMatch(k -> k.contains("to_qkv")));
    }
}
