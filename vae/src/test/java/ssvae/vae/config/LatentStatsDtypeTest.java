package ssvae.vae.config;

import org.junit.jupiter.api.Test;
import ssvae.tensor.DType;
import ssvae.tensor.Tensor;
import ssvae.vae.model.VideoAutoencoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Latent normalisation as the official VideoAutoencoderInferenceWrapper: mean and std held in bf16 by default and
 * inverse_std = 1.0 / bf16(std) rounded to bf16 (so channel 1, std 0.98828125, scales by 1.015625, not 1.01186).
 */
class LatentStatsDtypeTest {
    static Path inference() {
        Path p = Path.of("configs/inference.yaml");
        return Files.exists(p) ? p : Path.of("../configs/inference.yaml");
    }

    private static double[] scaleOfUnitMoments(VideoAutoencoder m, double[] mean) {
        // moments = [mu, logvar]; mu = mean + 1 in every channel, so the latent is exactly the per-channel factor
        int z = mean.length;
        double[] mom = new double[2 * z];
        for (int c = 0; c < z; c++) mom[c] = mean[c] + 1;
        return m.latentFromMoments(Tensor.fromArray(mom, 1, 2 * z, 1, 1, 1)).toDoubleArray();
    }

    @Test void defaultIsBf16InverseStdAsTheOfficialWrapper() {
        ModelConfig mc = ConfigFile.read(inference());
        assertEquals(DType.BF16, mc.statsDtype());
        double[] s = scaleOfUnitMoments(mc.build(), mc.latentMean());
        assertEquals(1.015625, s[1], 1e-12, "channel 1: bf16(1 / 0.98828125)");
        assertEquals(0.49609375, s[2], 1e-12, "channel 2: bf16(1 / 2.015625)");
    }

    @Test void float32DtypeKeepsTheExactInverse() {
        ModelConfig mc = ConfigFile.read(inference(), List.of("model.params.dtype=float32"));
        assertEquals(DType.F32, mc.statsDtype());
        double[] s = scaleOfUnitMoments(mc.build(), mc.latentMean());
        assertEquals((float) (1 / 0.98828125), s[1], 1e-6);
    }

    @Test void decodeInvertsEncode() {
        ModelConfig mc = ConfigFile.read(inference());
        VideoAutoencoder m = mc.build();
        Tensor full = Tensor.zeros(DType.F64, ssvae.tensor.Device.CPU, 1, 48, 1, 1, 1).add(0.7);
        Tensor back = m.latentFromMoments(Tensor.cat(List.of(m.denormalise(full), full), 1));
        assertArrayEquals(full.toDoubleArray(), back.toDoubleArray(), 1e-12);
    }
}
