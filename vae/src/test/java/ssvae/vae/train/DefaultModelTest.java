package ssvae.vae.train;

import org.junit.jupiter.api.Test;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;
import ssvae.vae.data.SyntheticVideos;
import ssvae.vae.model.VideoAutoencoder;

import static org.junit.jupiter.api.Assertions.*;

/** The bundled default checkpoint loads strictly and reconstructs far better than a constant clip. */
class DefaultModelTest {
    @Test void loadsAndReconstructs() {
        VideoAutoencoder m = DefaultModel.load();
        assertFalse(m.training());
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
