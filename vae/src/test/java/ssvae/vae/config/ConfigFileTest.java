package ssvae.vae.config;

import org.junit.jupiter.api.Test;
import ssvae.vae.model.Param;
import ssvae.vae.model.VideoAutoencoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ConfigFileTest {
    static Path configs() {
        Path p = Path.of("configs");
        return Files.isDirectory(p) ? p : Path.of("..", "configs");
    }

    @Test
    void ch48InferenceManifest() {
        ModelConfig mc = ConfigFile.read(configs().resolve("inference.yaml"));
        VideoAutoencoder m = mc.build();   // shape-only: nothing allocated
        LinkedHashMap<String, Param> ps = m.namedParams();
        assertEquals(277, ps.size());
        assertEquals(315_177_859L, m.paramCount());
        assertEquals(141_568_832L, m.encoder().paramCount());
        assertEquals(173_609_027L, m.decoder().paramCount());
        assertArrayEquals(new int[] {32, 3, 3, 3, 3}, ps.get("encoder.conv_in.conv.weight").shape());
        // encoder middle: attention after both resnet blocks (index != num_res_blocks-1); decoder: after the first only
        assertTrue(ps.containsKey("encoder.mid.1.to_qkv.weight"));
        assertTrue(ps.containsKey("encoder.mid.3.proj.weight"));
        assertArrayEquals(new int[] {512, 1, 1}, ps.get("encoder.mid.3.norm.gamma").shape());
        assertTrue(ps.containsKey("decoder.mid.1.to_qkv.weight"));
        assertArrayEquals(new int[] {512, 1, 1, 1}, ps.get("decoder.mid.2.norm1.gamma").shape());
        assertFalse(ps.containsKey("decoder.mid.3.norm.gamma"));
        assertArrayEquals(new int[] {96, 512, 3, 3, 3}, ps.get("encoder.out.2.conv.weight").shape());
        assertArrayEquals(new int[] {3, 64, 3, 3, 3}, ps.get("decoder.out.2.conv.weight").shape());
        // non-temporal downsample is a Conv2d, temporal one a CausalConv3d
        assertArrayEquals(new int[] {128, 64, 3, 3}, ps.get("encoder.down.0.downsample.conv.weight").shape());
        assertArrayEquals(new int[] {512, 256, 3, 3, 3}, ps.get("encoder.down.2.downsample.conv.conv.weight").shape());
        assertArrayEquals(new int[] {64, 32, 1, 1, 1}, ps.get("encoder.down.0.block.0.nin_shortcut.weight").shape());
        assertFalse(ps.get("encoder.conv_in.conv.weight").allocated());
        assertEquals(48, mc.latentMean().length);
        assertEquals(-0.1962890625, mc.latentMean()[0]);
        assertEquals(1.4140625, mc.latentStd()[47]);
    }

    @Test
    void trainingConfigsHaveMaskTokenAndLcr() {
        ModelConfig mc = ConfigFile.read(configs().resolve("ch48_LCR_LMR_256p.yaml"));
        VideoAutoencoder m = mc.build();
        assertArrayEquals(new int[] {1, 48, 1, 1, 1}, m.namedParams().get("mask_token").shape());
        assertEquals(278, m.namedParams().size());
        assertArrayEquals(new int[] {2, 2, 2}, mc.lcr().windowSize());
        assertEquals(0.02, mc.lossLcr().get("weight").asDouble());
        ModelConfig ft = ConfigFile.read(configs().resolve("ch48_LCR_LMR_512p_DecoderFinetune.yaml"));
        assertNull(ft.lcr());
        assertTrue(ft.encoder().freezeEntireEncoder());
        assertTrue(ft.decoder().gradientCheckpoint());
        VideoAutoencoder fm = ft.build();
        assertFalse(fm.encoder().namedParams().values().iterator().next().trainable());
        assertTrue(fm.decoder().namedParams().values().iterator().next().trainable());
    }

    @Test
    void unknownKeyNamesKeyAndFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, Files.readString(configs().resolve("tiny_cpu.yaml")).replace("num_mid_blocks: 2", "num_mid_blocks: 2\n        colour: red"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.read(f));
        assertTrue(e.getMessage().contains("bad.yaml"), e.getMessage());
        assertTrue(e.getMessage().contains("model.params.encoder_config.params.colour"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
    }

    @Test
    void badValuesAndTargets(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String base = Files.readString(configs().resolve("tiny_cpu.yaml"));
        Path f = dir.resolve("t.yaml");
        Files.writeString(f, base.replace("ch: 8\n        ch_mult", "ch: eight\n        ch_mult"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.read(f));
        assertTrue(e.getMessage().contains("encoder_config.params.ch: expected an integer"), e.getMessage());
        Files.writeString(f, base.replace("dc_3dvae.Decoder3D", "dc_3dvae.Decoder2D"));
        e = assertThrows(ConfigException.class, () -> ConfigFile.read(f));
        assertTrue(e.getMessage().contains("decoder_config.target"), e.getMessage());
        Files.writeString(f, "model: [1, 2");
        e = assertThrows(ConfigException.class, () -> ConfigFile.read(f));
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigFile.read(dir.resolve("missing.yaml")));
        assertTrue(e.getMessage().contains("file not found"), e.getMessage());
    }

    @Test
    void overrides() {
        ModelConfig mc = ConfigFile.read(configs().resolve("tiny_cpu.yaml"), List.of(
                "model.params.encoder_config.params.ch=16",
                "model.params.lmr_config.block_sizes.32=[1,2,2]",
                "model.params.regularizer_config.params.lcr_config.weight_type=frame_weight",
                "model.params.encoder_config.params.norm=layernorm"));
        assertEquals(16, mc.encoder().ch());
        assertEquals("layernorm", mc.encoder().norm());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.read(configs().resolve("tiny_cpu.yaml"),
                List.of("model.params.encoder_config.params.chh=16")));
        assertTrue(e.getMessage().contains("model.params.encoder_config.params.chh"), e.getMessage());
        assertThrows(ConfigException.class, () -> ConfigFile.read(configs().resolve("tiny_cpu.yaml"), List.of("noequals")));
    }

    @Test
    void lmrDefaultsFollowOfficialGetattr(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.yaml");
        String base = Files.readString(configs().resolve("tiny_cpu.yaml"));
        int a = base.indexOf("    lmr_config:"), b = base.indexOf("    regularizer_config:");
        Files.writeString(f, base.substring(0, a) + "    lmr_config: {}\n" + base.substring(b));
        assertNotNull(ConfigFile.read(f).lmr());
    }
}
