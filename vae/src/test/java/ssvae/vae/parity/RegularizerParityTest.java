package ssvae.vae.parity;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;
import ssvae.vae.regularizers.GaussianRegularizer;
import ssvae.vae.regularizers.LocalCorrelation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * GaussianRegularizer and LocalCorrelation against the official DiagonalGaussianRegularizer (kl_loss with the logvar
 * clamp, average_kl_loss, element_mean_kl_loss, LCR after the per-channel normalisation) and windowed_localcorr_z
 * (4 windows x 4 weight types x renorm on/off x video/image = 64 settings), float32 and float64, from
 * regularizer.safetensors. Tolerance: |ours - official| / max(|official|, floor) <= 1e-4 (F32) or 1e-9 (F64);
 * floor 1e-6 for KL values, 0.1 for correlations (bounded by 1 and possibly near 0).
 */
class RegularizerParityTest {
    static final Fixture F = Fixture.load("regularizer");

    private static double check(String what, double ours, double official, DType dt, double floor) {
        double e = Fixture.relErr(ours, official, floor);
        double tol = dt == DType.F64 ? OfficialParityTest.TOL_F64 : OfficialParityTest.TOL_F32;
        assertTrue(e <= tol, what + ": " + ours + " vs official " + official + " (rel err " + e + ")");
        return e;
    }

    @Test
    void klAndRegulariserLogMatchOfficial() {
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            String tag = dt == DType.F64 ? "f64" : "f32";
            double worst = 0;
            try (var ng = GradMode.noGrad()) {
                for (boolean avgKl : new boolean[] {false, true}) {
                    var lcr = new GaussianRegularizer.LcrConfig(new int[] {2, 2, 3}, new LocalCorrelation.WindowWeight(), true);
                    var log = new GaussianRegularizer(false, avgKl, !avgKl, lcr).forward(F.get("moments").to(dt), null).log();
                    String p = "reg.avgkl" + (avgKl ? 1 : 0) + "." + tag + ".";
                    List<String> expected = new ArrayList<>();
                    for (String k : F.tensors().keySet()) if (k.startsWith(p)) expected.add(k.substring(p.length()));
                    assertEquals(expected.stream().sorted().toList(), log.keySet().stream().sorted().toList(), "log keys");
                    for (Map.Entry<String, Tensor> e : log.entrySet())
                        worst = Math.max(worst, check(p + e.getKey(), e.getValue().item(), F.scalar(p + e.getKey()), dt,
                                e.getKey().contains("kl") ? 1e-6 : 0.1));
                }
            }
            System.out.printf("official parity regulariser %s: max rel err %.2e%n", tag, worst);
        }
    }

    @Test
    void windowedLocalCorrelationMatchesOfficial() {
        int settings = 0;
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            String tag = dt == DType.F64 ? "f64" : "f32";
            double worst = 0;
            try (var ng = GradMode.noGrad()) {
                for (int n = 0; F.meta().containsKey("lcr" + n); n++) {
                    JsonNode s = F.json("lcr" + n);
                    int[] window = new int[3];
                    for (int i = 0; i < 3; i++) window[i] = s.get("window").get(i).asInt();
                    JsonNode w = s.get("weight");
                    Object weight = w.isTextual() ? w.asText() : List.of(w.get(0).asDouble(), w.get(1).asDouble());
                    int frames = s.get("frames").asInt();
                    Tensor z = F.get("latent").narrow(2, 0, frames).to(dt);
                    var r = LocalCorrelation.compute(z, window, LocalCorrelation.parseWeight(weight), s.get("renorm").asBoolean());
                    String p = "lcr" + n + "." + tag + ".";
                    worst = Math.max(worst, check(p + "image " + s, r.image().item(), F.scalar(p + "image"), dt, 0.1));
                    worst = Math.max(worst, check(p + "avg " + s, r.avg().item(), F.scalar(p + "avg"), dt, 0.1));
                    assertEquals(F.has(p + "video"), r.video() != null, p + "video present");
                    if (r.video() != null) worst = Math.max(worst, check(p + "video " + s, r.video().item(), F.scalar(p + "video"), dt, 0.1));
                    settings++;
                }
            }
            System.out.printf("official parity windowed_localcorr_z %s: max rel err %.2e%n", tag, worst);
        }
        assertEquals(128, settings, "64 settings x 2 dtypes");
    }
}
