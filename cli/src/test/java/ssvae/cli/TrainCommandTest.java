package ssvae.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** ssvae train end to end on a tiny synthetic config: run directory, --set, --max-steps, --resume, errors. */
class TrainCommandTest {
    @TempDir Path dir;

    static final String YAML = """
            model:
              base_learning_rate: 1e-3
              target: ssvae.models.autoencoder.VideoAutoencodingEngine
              params:
                loss_config:
                  target: ssvae.modules.autoencoding.losses.loss_factory.GeneralLPIPSWithDiscriminator
                  params: {dims: 3, perceptual_weight: 0, disc_start: 0, disc_weight: 0, learn_logvar: True, regularization_weights: {kl_loss: 5e-4}}
                regularizer_config:
                  target: ssvae.modules.autoencoding.regularizers.DiagonalGaussianRegularizer
                  params: {average_kl_loss: False, report_mean_klloss: True}
                encoder_config:
                  target: ssvae.modules.autoencoding.vae.dc_3dvae.Encoder3D
                  params: {ch: 4, ch_mult: [1, 2], num_res_blocks: 1, num_mid_blocks: 1, temporal_upsample: [True], z_channels: 4,
                           norm: rmsnorm, in_channels: 3, out_ch: 3, resolution: 16}
                decoder_config:
                  target: ssvae.modules.autoencoding.vae.dc_3dvae.Decoder3D
                  params: {ch: 4, ch_mult: [1, 2], num_res_blocks: 1, num_mid_blocks: 1, temporal_upsample: [True], z_channels: 4,
                           norm: rmsnorm, in_channels: 3, out_ch: 3, resolution: 16}
            lightning:
              modelcheckpoint: {params: {every_n_train_steps: 2, save_top_k: 2}}
              callbacks: {video_logger: {params: {batch_frequency: 2, max_videos: 1}}}
              trainer: {max_steps: 100, seed: 1}
            data:
              params:
                batch_size: 1
                train:
                  target: ssvae.vae.data.SyntheticVideos
                  params: {image_size: [16, 16], num_frames: 5, seed: 0}
                validation:
                  target: ssvae.vae.data.SyntheticVideos
                  params: {image_size: [16, 16], num_frames: 5, seed: 9, num_samples: 1}
            """;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    @Test void trainsResumesAndWritesTheRunDirectory() throws Exception {
        Path cfg = dir.resolve("t.yaml");
        Files.writeString(cfg, YAML);
        Path rd = dir.resolve("run");
        Run r = run("--threads", "1", "train", "--config", cfg.toString(), "--run-dir", rd.toString(), "--max-steps", "2",
                "--set", "lightning.trainer.seed=2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("step 2"), r.out());
        assertTrue(Files.readString(rd.resolve("config.yaml")).contains("seed: 2"), "the resolved config is stored");
        assertEquals(2, Files.readAllLines(rd.resolve("metrics.jsonl")).size());
        assertTrue(Files.isRegularFile(rd.resolve("checkpoints/step-00000002/model.safetensors")));
        assertTrue(Files.isRegularFile(rd.resolve("samples/step-00000002-clip0.mp4")));
        Run again = run("--threads", "1", "train", "--resume", rd.toString(), "--max-steps", "3");
        assertEquals(0, again.code(), again.err());
        List<String> lines = Files.readAllLines(rd.resolve("metrics.jsonl"));
        assertEquals(3, lines.size());
        assertTrue(lines.get(2).startsWith("{\"step\":2"), lines.get(2));
        assertTrue(Files.isRegularFile(rd.resolve("checkpoints/step-00000003/trainer.json")));
    }

    @Test void badInputIsOneClearLine() throws Exception {
        Path cfg = dir.resolve("t.yaml");
        Files.writeString(cfg, YAML.replace("perceptual_weight: 0", "perceptual_weight: 1"));
        Run r = run("train", "--config", cfg.toString(), "--run-dir", dir.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("vgg16-397923af.pth"), r.err());
        assertFalse(Files.exists(dir.resolve("x")), "a failed start leaves no run directory");
        Files.writeString(cfg, YAML.replace("dims: 3", "dims: 3, dimz: 2"));
        r = run("train", "--config", cfg.toString(), "--run-dir", dir.resolve("y").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("dimz"), r.err());
        r = run("train", "--resume", dir.resolve("nothing").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not a run directory"), r.err());
        r = run("train");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--config"), r.err());
    }
}
