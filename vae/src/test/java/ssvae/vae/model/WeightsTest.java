package ssvae.vae.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.io.SafetensorsWriter;
import ssvae.tensor.DType;
import ssvae.tensor.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Loading weights as init_from_ckpt: loss./model_ema./ignore_keys dropped, extras reported, missing keys an error. */
class WeightsTest {
    @TempDir Path dir;

    @Test
    void loadsIgnoresAndReports() {
        VideoAutoencoder src = ParityFixtures.model(ParityFixtures.configA());
        ParityFixtures.randomise(src, 41);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (var e : src.stateDict().entrySet()) sd.put(e.getKey(), e.getValue().to(DType.BF16));
        sd.put("loss.logvar", Tensor.zeros(1));
        sd.put("model_ema.decay", Tensor.zeros(1));
        sd.put("extra.thing", Tensor.zeros(2));
        sd.put("teacher.w", Tensor.zeros(2));
        Path f = dir.resolve("w.safetensors");
        SafetensorsWriter.write(f, sd);

        VideoAutoencoder dst = ParityFixtures.model(ParityFixtures.configA());
        Weights.Report r = Weights.load(dst, f, List.of("teacher"));
        assertEquals(src.namedParams().size(), r.loaded());
        assertEquals(List.of("loss.logvar", "model_ema.decay", "teacher.w"), r.ignored());
        assertEquals(List.of("extra.thing"), r.unexpected());
        Tensor a = dst.namedParams().get("decoder.conv_in.conv.weight").value();
        assertEquals(DType.F32, a.dtype());
        assertArrayEquals(sd.get("decoder.conv_in.conv.weight").to(DType.F32).toFloatArray(), a.toFloatArray());

        sd.remove("encoder.conv_in.conv.bias");
        Path g = dir.resolve("missing.safetensors");
        SafetensorsWriter.write(g, sd);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Weights.load(ParityFixtures.model(ParityFixtures.configA()), g, List.of()));
        assertTrue(e.getMessage().contains("encoder.conv_in.conv.bias"), e.getMessage());

        sd.put("encoder.conv_in.conv.bias", Tensor.zeros(9));
        Path h = dir.resolve("shape.safetensors");
        SafetensorsWriter.write(h, sd);
        e = assertThrows(IllegalArgumentException.class, () -> Weights.load(ParityFixtures.model(ParityFixtures.configA()), h, List.of()));
        assertTrue(e.getMessage().contains("encoder.conv_in.conv.bias") && e.getMessage().contains("[9]"), e.getMessage());
    }
}
