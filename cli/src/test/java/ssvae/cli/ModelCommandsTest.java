package ssvae.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.io.SafetensorsReader;
import ssvae.io.SafetensorsWriter;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;
import ssvae.vae.config.ConfigFile;
import ssvae.vae.model.VideoAutoencoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** info / encode / decode through the command line. */
class ModelCommandsTest {
    @TempDir Path dir;

    static Path configs() {
        Path p = Path.of("configs");
        return Files.isDirectory(p) ? p : Path.of("..", "configs");
    }

    static ConvertCommandTest.Run run(String... args) { return ConvertCommandTest.run(args); }

    static void assertClose(float[] expect, float[] got) {
        assertEquals(expect.length, got.length);
        for (int i = 0; i < expect.length; i++) assertEquals(expect[i], got[i], 1e-5 * (1 + Math.abs(expect[i])), "element " + i);
    }

    @Test
    void infoJsonManifestOfCh48() throws Exception {
        ConvertCommandTest.Run r = run("info", "--config", configs().resolve("inference.yaml").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(315_177_859L, j.get("param_count").asLong());
        assertEquals(277, j.get("keys").size());
        assertEquals("[32,3,3,3,3]", j.get("keys").get("encoder.conv_in.conv.weight").toString());
        assertEquals(1, r.out().trim().split("\n").length);
    }

    @Test
    void infoTextAndErrors() {
        ConvertCommandTest.Run r = run("info", "--config", configs().resolve("tiny_cpu.yaml").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mask_token"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("encoder.conv_in.conv.weight") && l.contains("[8, 3, 3, 3, 3]")), r.out());
        r = run("info", "--config", configs().resolve("tiny_cpu.yaml").toString(), "--set", "model.params.encoder_config.params.chx=3");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("tiny_cpu.yaml") && r.err().contains("model.params.encoder_config.params.chx") && r.err().contains("unknown key"), r.err());
        assertEquals(1, r.err().trim().split("\n").length, r.err());
        r = run("info", "--config", dir.resolve("none.yaml").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("file not found"), r.err());
    }

    @Test
    void torchCheckpointAndSafetensorsGiveIdenticalOutputs() throws Exception {
        Path cfg = configs().resolve("tiny_inference.yaml");
        VideoAutoencoder m = ConfigFile.read(cfg).build();
        m.allocate(DType.F32, Device.CPU, new Generator(5));
        Path st = dir.resolve("w.safetensors"), pt = dir.resolve("w.ckpt");
        SafetensorsWriter.write(st, m.stateDict());
        TorchZipFixture.write(pt, m.stateDict());
        // the two files hold bit-identical tensors under the same keys
        var a = ssvae.vae.model.Weights.read(st);
        var b = ssvae.vae.model.Weights.read(pt);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), k);
        // and encode to the same moments through the command line
        Tensor x = Tensor.rand(new Generator(6), 1, 3, 5, 16, 16).mul(2).sub(1);
        Path in = dir.resolve("x.safetensors"), z1 = dir.resolve("z1.safetensors"), z2 = dir.resolve("z2.safetensors");
        SafetensorsWriter.write(in, Map.of("x", x));
        ConvertCommandTest.Run r = run("encode", "--config", cfg.toString(), "--checkpoint", st.toString(), "--input", in.toString(), "--output", z1.toString());
        assertEquals(0, r.code(), r.err());
        r = run("encode", "--config", cfg.toString(), "--checkpoint", pt.toString(), "--input", in.toString(), "--output", z2.toString());
        assertEquals(0, r.code(), r.err());
        // same weights, same input: equal up to the JIT's float reordering between two runs in one JVM
        assertClose(SafetensorsReader.read(z1).get("moments").toFloatArray(), SafetensorsReader.read(z2).get("moments").toFloatArray());
    }

    @Test
    void encodeDecodeRoundTrip() throws Exception {
        Path cfg = configs().resolve("tiny_inference.yaml");
        VideoAutoencoder m = ConfigFile.read(cfg).build();
        m.allocate(DType.F32, Device.CPU, new Generator(3));
        m.train(false);
        Path ckpt = dir.resolve("w.safetensors");
        SafetensorsWriter.write(ckpt, m.stateDict());
        Tensor x = Tensor.rand(new Generator(4), 1, 3, 9, 16, 16).mul(2).sub(1);
        Path in = dir.resolve("x.safetensors"), z = dir.resolve("z.safetensors"), y = dir.resolve("y.safetensors"), z2 = dir.resolve("z2.safetensors");
        SafetensorsWriter.write(in, Map.of("x", x));

        ConvertCommandTest.Run r = run("encode", "--config", cfg.toString(), "--checkpoint", ckpt.toString(), "--input", in.toString(),
                "--output", z.toString(), "--stats");
        assertEquals(0, r.code(), r.err());
        JsonNode st = new ObjectMapper().readTree(r.out());
        Tensor moments, latent, expectMoments, expectY;
        try (var g = GradMode.noGrad()) {
            expectMoments = m.encodeMoments(x);
            LinkedHashMap<String, Tensor> out = SafetensorsReader.read(z);
            moments = out.get("moments");
            latent = out.get("latent");
            // same weights and input; kernels may split reductions differently between runs: float tolerance
            assertClose(expectMoments.contiguous().toFloatArray(), moments.toFloatArray());
            assertClose(m.latentFromMoments(expectMoments).contiguous().toFloatArray(), latent.toFloatArray());
            expectY = m.decode(m.denormalise(latent));
            double kl = new ssvae.vae.regularizers.DiagonalGaussian(moments, false).kl().sum().item();
            assertEquals(kl, st.get("kl").asDouble(), 1e-6 * Math.abs(kl));
            assertTrue(st.get("lcr_video").isNumber() && st.get("lcr_image").isNumber() && st.get("lcr_avg").isNumber(), r.out());
        }
        // normalisation as the official inference wrapper (statistics in bf16 by default):
        // latent = (mu - bf16(0.1)) * bf16(1 / bf16(1.5)) = (mu - 0.10009765625) * 0.66796875
        double mu0 = moments.get(0, 0, 0, 0, 0);
        assertEquals((mu0 - 0.10009765625) * 0.66796875, latent.get(0, 0, 0, 0, 0), 1e-6);

        // chunked encoding writes the same moments
        r = run("encode", "--config", cfg.toString(), "--checkpoint", ckpt.toString(), "--input", in.toString(), "--output", z2.toString(), "--chunk", "4");
        assertEquals(0, r.code(), r.err());
        float[] a = SafetensorsReader.read(z2).get("moments").toFloatArray(), b = moments.toFloatArray();
        for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-5);

        r = run("decode", "--config", cfg.toString(), "--checkpoint", ckpt.toString(), "--input", z.toString(), "--output", y.toString());
        assertEquals(0, r.code(), r.err());
        Tensor yy = SafetensorsReader.read(y).get("x");
        assertArrayEquals(new int[] {1, 3, 9, 16, 16}, yy.shape());
        assertClose(expectY.contiguous().toFloatArray(), yy.toFloatArray());

        r = run("decode", "--config", cfg.toString(), "--checkpoint", ckpt.toString(), "--input", z.toString(), "--output", dir.resolve("c.safetensors").toString(), "--chunk", "1");
        assertEquals(0, r.code(), r.err());
        float[] c = SafetensorsReader.read(dir.resolve("c.safetensors")).get("x").toFloatArray(), e = yy.toFloatArray();
        for (int i = 0; i < c.length; i++) assertEquals(e[i], c[i], 1e-5);
    }

    @Test
    void videoInAndOut() throws Exception {
        Path video = Path.of("..", "..", "shared", "data", "videos", "0001.mp4");
        if (!Files.exists(video)) video = Path.of("..", "shared", "data", "videos", "0001.mp4");
        assertTrue(Files.exists(video), "shared test video missing: " + video.toAbsolutePath());
        Path cfg = configs().resolve("tiny_inference.yaml");
        // a minimal encoder (conv_in, the two downsamplers, out; ch 4) keeps this 512x512 clip cheap on a 2-core CI
        String[] small = {"--set", "model.params.encoder_config.params.num_mid_blocks=0", "--set", "model.params.encoder_config.params.ch=4",
                "--set", "model.params.encoder_config.params.num_res_blocks=0"};
        VideoAutoencoder m = ConfigFile.read(cfg, java.util.List.of(small[1], small[3], small[5])).build();
        m.allocate(DType.F32, Device.CPU, new Generator(3));
        Path ckpt = dir.resolve("w.safetensors");
        SafetensorsWriter.write(ckpt, m.stateDict());
        Path z = dir.resolve("z.safetensors");
        // 3 frames are not 1+4k: rounded down to 1 with a note; 512x512 -> latent 128x128
        ConvertCommandTest.Run r = run("encode", "--config", cfg.toString(), small[0], small[1], small[2], small[3], small[4], small[5], "--checkpoint", ckpt.toString(),
                "--input", video.toString(), "--output", z.toString(), "--num-frames", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("using 1"), r.err());
        assertArrayEquals(new int[] {1, 4, 1, 128, 128}, SafetensorsReader.read(z).get("latent").shape());
        // decode a small latent (2 latent frames, 4x4) to a 5-frame 16x16 video
        Path zs = dir.resolve("zs.safetensors"), mp4 = dir.resolve("y.mp4");
        SafetensorsWriter.write(zs, Map.of("latent", Tensor.randn(new Generator(8), 1, 4, 2, 4, 4)));
        r = run("decode", "--config", cfg.toString(), small[0], small[1], small[2], small[3], small[4], small[5], "--checkpoint", ckpt.toString(),
                "--input", zs.toString(), "--output", mp4.toString());
        assertEquals(0, r.code(), r.err());
        ssvae.vae.video.RgbClip clip = ssvae.vae.video.VideoReader.readAll(mp4);
        assertEquals(5, clip.frameCount());
        assertEquals(16, clip.width());
    }

    @Test
    void encodeRejectsBadInput() throws Exception {
        Path cfg = configs().resolve("tiny_inference.yaml");
        VideoAutoencoder m = ConfigFile.read(cfg).build();
        m.allocate(DType.F32, Device.CPU, new Generator(3));
        Path ckpt = dir.resolve("w.safetensors");
        SafetensorsWriter.write(ckpt, m.stateDict());
        Path in = dir.resolve("x.safetensors");
        SafetensorsWriter.write(in, Map.of("x", Tensor.zeros(1, 3, 4, 16, 16)));
        ConvertCommandTest.Run r = run("encode", "--config", cfg.toString(), "--checkpoint", ckpt.toString(), "--input", in.toString(), "--output", dir.resolve("z.safetensors").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("4 frames") && r.err().contains("1 + 4k"), r.err());
        SafetensorsWriter.write(in, Map.of("y", Tensor.zeros(1, 3, 5, 16, 16)));
        r = run("encode", "--config", cfg.toString(), "--checkpoint", ckpt.toString(), "--input", in.toString(), "--output", dir.resolve("z.safetensors").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no tensor named 'x'"), r.err());
        // a checkpoint for another config: missing keys named
        Path other = dir.resolve("o.safetensors");
        SafetensorsWriter.write(other, Map.of("encoder.foo", Tensor.zeros(1)));
        SafetensorsWriter.write(in, Map.of("x", Tensor.zeros(1, 3, 5, 16, 16)));
        r = run("encode", "--config", cfg.toString(), "--checkpoint", other.toString(), "--input", in.toString(), "--output", dir.resolve("z.safetensors").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("model keys missing"), r.err());
        assertFalse(Files.exists(dir.resolve("z.safetensors")));
    }
}
