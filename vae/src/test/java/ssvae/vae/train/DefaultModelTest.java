package ssvae.vae.train;

import org.junit.jupiter.api.Test;
import ssvae.io.SafetensorsReader;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;
import ssvae.vae.config.ConfigFile;
import ssvae.vae.data.SyntheticVideos;
import ssvae.vae.inference.DefaultModel;
import ssvae.vae.model.VideoAutoencoder;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The default checkpoint trained by ssvae train (models/default) loads strictly and reconstructs far better than a constant clip. */
class DefaultModelTest {
    @Test void loadsAndReconstructs() {
        Path cfg = DefaultModel.config().orElseThrow(() -> new AssertionError("models/default/config.yaml is missing"));
        Path w = DefaultModel.checkpoint().orElseThrow(() -> new AssertionError("models/default/model.safetensors is missing"));
        VideoAutoencoder m = ConfigFile.read(cfg).build();
        m.allocate(DType.F32, Device.CPU, new Generator(0));
        m.loadStateDict(SafetensorsReader.read(w), true);
        m.train(false);
        Tensor x = SyntheticVideos.clip(424242, 0, 9, 32, 32).tensor().unsqueeze(0);
        Tensor rec;
        try (var ng = GradMode.noGrad()) {
            rec = m.decode(m.encodeMoments(x).chunk(2, 1).get(0));
        }
        assertArrayEquals(x.shape(), rec.shape());
        double mean = x.mean().item();
        double baseline = Samples.psnr(x, x.mul(0.0).add(mean));
        double psnr = Samples.psnr(x, rec);
        assertTrue(psnr > baseline + 3, "default model PSNR " + psnr + " dB vs constant clip " + baseline + " dB");
    }
}
