package ssvae.vae.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Resume exactness, non-finite steps, the learning-rate schedule as applied, and the run directory. */
class TrainerTest {
    static Map<String, Double> noTime(Map<String, Double> r) {
        Map<String, Double> m = new LinkedHashMap<>(r);
        m.remove("time/step_s");
        return m;
    }

    @Test void resumedRunContinuesExactly(@TempDir Path dir) throws Exception {
        Path cfg = TinyRun.write(dir, false);
        List<Map<String, Double>> straight = new ArrayList<>();
        try (Trainer a = Trainer.start(cfg, List.of(), dir.resolve("a"), null)) {
            for (int i = 0; i < 4; i++) straight.add(noTime(a.trainStep()));
        }
        // steps alternate: 0 and 2 train the autoencoder, 1 and 3 the discriminator
        assertEquals(1.0, straight.get(1).get("optimizer_idx"));
        assertTrue(straight.get(1).get("train/loss/disc") > 0);
        try (Trainer b = Trainer.start(cfg, List.of(), dir.resolve("b"), null)) {
            b.trainStep();
            b.trainStep();
            b.saveCheckpoint();
            b.trainStep();   // work after the checkpoint is lost on a crash: the resumed run redoes it
        }
        try (Trainer c = Trainer.resume(dir.resolve("b"), null)) {
            assertEquals(2, c.step());
            assertEquals(straight.get(2), noTime(c.trainStep()));
            assertEquals(straight.get(3), noTime(c.trainStep()));
        }
    }

    @Test void nonFiniteStepsAreSkippedCountedAndStopTheRun(@TempDir Path dir) throws Exception {
        Path cfg = TinyRun.write(dir, false);
        try (Trainer t = Trainer.start(cfg, List.of("model.params.disc_start_iter=100"), dir.resolve("r"), null)) {
            t.trainStep();
            Path good = t.saveCheckpoint();
            Map<String, Tensor> before = new LinkedHashMap<>();
            for (var e : t.model().stateDict().entrySet()) before.put(e.getKey(), e.getValue().clone());
            t.setData(new DataSource() {
                long pos;
                @Override public Tensor next() { pos++; return Tensor.full(Double.NaN, 1, 3, 5, 16, 16); }
                @Override public long position() { return pos; }
            });
            Map<String, Double> row = t.trainStep();
            assertTrue(Double.isNaN(row.get("train/loss/total")));
            assertEquals(1.0, row.get("train/skipped_steps"));
            for (var e : t.model().stateDict().entrySet())
                assertArrayEquals(before.get(e.getKey()).toFloatArray(), e.getValue().toFloatArray(), "unchanged after a skipped step: " + e.getKey());
            Trainer.NonFiniteException ex = assertThrows(Trainer.NonFiniteException.class, t::run);
            assertTrue(ex.getMessage().contains("3 steps in a row") && ex.getMessage().contains(good.toString()), ex.getMessage());
            assertEquals(good, new CheckpointStore(dir.resolve("r"), 0).latest(), "no checkpoint of the failed state");
        }
        try (Trainer r = Trainer.resume(dir.resolve("r"), null)) {
            assertEquals(1, r.step());
        }
    }

    @Test void learningRateFollowsTheWarmUpCosineSchedule(@TempDir Path dir) throws Exception {
        Path cfg = TinyRun.write(dir, false);
        try (Trainer t = Trainer.start(cfg, List.of("model.params.disc_start_iter=100"), dir.resolve("r"), null)) {
            TrainSettings s = t.ts;
            double lr = 1e-3, warm = 2, start = 1e-4, min = 1e-5, decay = 20;
            assertEquals(start, s.aeLr(0), 1e-15);
            assertEquals((lr - start) / warm * 1 + start, s.aeLr(1), 1e-15);
            assertEquals(lr, s.aeLr(2), 1e-15);
            double tt = (11 - warm) / (decay - warm);
            assertEquals(min + 0.5 * (lr - min) * (1 + Math.cos(tt * Math.PI)), s.aeLr(11), 1e-15);
            assertEquals(min, s.aeLr(500), 1e-15);
            assertEquals(lr / 10, s.discLr(), 0);
            for (int i = 0; i < 3; i++) assertEquals(s.aeLr(i), t.trainStep().get("train/lr"), 0);
        }
    }

    @Test void runWritesMetricsSamplesPlotsAndKeepsTheLastCheckpoints(@TempDir Path dir) throws Exception {
        Path cfg = TinyRun.write(dir, true);
        Path run = dir.resolve("run");
        try (Trainer t = Trainer.start(cfg, List.of("lightning.trainer.max_steps=6"), run, null)) {
            t.run();
        }
        assertTrue(Files.isRegularFile(run.resolve("config.yaml")));
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(6, lines.size());
        assertTrue(lines.get(0).contains("\"step\":0") && lines.get(0).contains("train/loss/rec") && lines.get(0).contains("train/loss/total"));
        assertTrue(lines.get(1).contains("val/psnr"));
        assertTrue(Files.readString(run.resolve("metrics.csv")).startsWith("step,"));
        assertTrue(Files.isRegularFile(run.resolve("samples/step-00000002-clip0.mp4")));
        assertTrue(Files.isRegularFile(run.resolve("samples/step-00000002-clip0.png")));
        assertTrue(Files.isRegularFile(run.resolve("plots/val_psnr.png")));
        List<Path> cks = new CheckpointStore(run, 0).list();
        assertEquals(List.of("step-00000004", "step-00000006"), cks.stream().map(p -> p.getFileName().toString()).toList());
        for (String f : List.of("model.safetensors", "loss.safetensors", "optim.safetensors", "ema.safetensors", "trainer.json"))
            assertTrue(Files.isRegularFile(cks.get(1).resolve(f)), f);
        assertThrows(IllegalArgumentException.class, () -> Trainer.start(cfg, List.of(), run, null), "a used run directory is not reused");
    }

    @Test void stageTwoLoadsStageOneAndFreezesTheEncoder(@TempDir Path dir) throws Exception {
        Path cfg = TinyRun.write(dir, false);
        Path ck;
        try (Trainer a = Trainer.start(cfg, List.of(), dir.resolve("s1"), null)) {
            a.trainStep();
            ck = a.saveCheckpoint();
        }
        Map<String, Tensor> s1 = CheckpointStore.read(ck, "model.safetensors");
        List<String> stage2 = List.of("model.params.ckpt_path=" + ck, "model.params.encoder_config.params.freeze_entire_encoder=True",
                "model.params.loss_config.params.lcr_config=null", "model.params.disc_start_iter=100",
                "lightning.trainer.accumulate_grad_batches=2");
        try (Trainer b = Trainer.start(cfg, stage2, dir.resolve("s2"), null)) {
            for (var e : b.model().stateDict().entrySet())
                assertArrayEquals(s1.get(e.getKey()).toFloatArray(), e.getValue().toFloatArray(), "loaded from stage 1: " + e.getKey());
            b.trainStep();
            assertEquals(2, b.data.position(), "two micro-batches per step");
            for (var e : b.model().stateDict().entrySet()) {
                boolean same = java.util.Arrays.equals(s1.get(e.getKey()).toFloatArray(), e.getValue().toFloatArray());
                if (e.getKey().startsWith("encoder.")) assertTrue(same, "frozen: " + e.getKey());
            }
            assertFalse(java.util.Arrays.equals(s1.get("decoder.conv_in.conv.weight").toFloatArray(),
                    b.model().stateDict().get("decoder.conv_in.conv.weight").toFloatArray()), "the decoder trains");
        }
        // LCR needs the encoder's last layer: with a frozen encoder the loss says so
        List<String> bad = List.of("model.params.ckpt_path=" + ck, "model.params.encoder_config.params.freeze_entire_encoder=True");
        try (Trainer c = Trainer.start(cfg, bad, dir.resolve("s3"), null)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::trainStep);
            assertTrue(e.getMessage().contains("lcr_config"), e.getMessage());
        }
    }

    @Test void gradientCheckpointingGivesTheSameSteps(@TempDir Path dir) throws Exception {
        Path cfg = TinyRun.write(dir, false);
        List<String> ck = List.of("model.params.encoder_config.params.gradient_checkpoint=True",
                "model.params.decoder_config.params.gradient_checkpoint=True");
        try (Trainer a = Trainer.start(cfg, List.of(), dir.resolve("a"), null); Trainer b = Trainer.start(cfg, ck, dir.resolve("b"), null);
             Trainer c = Trainer.start(cfg, List.of("model.params.loss_config.params.discriminator_config.params.gradient_checkpoint=True"), dir.resolve("c"), null)) {
            for (int i = 0; i < 3; i++) {
                Map<String, Double> ra = noTime(a.trainStep()), rb = noTime(b.trainStep()), rc = noTime(c.trainStep());
                assertEquals(ra.keySet(), rb.keySet());
                for (String k : ra.keySet()) assertEquals(ra.get(k), rb.get(k), 1e-6 * Math.max(1, Math.abs(ra.get(k))), "step " + i + " " + k);
                // the discriminator's recomputation re-runs spectral norm's power iteration (as torch.utils.checkpoint
                // re-runs its forward pre-hook), so only the first forward's values agree exactly
                if (i == 0) assertEquals(ra.get("train/loss/total"), rc.get("train/loss/total"), 1e-6 * Math.abs(ra.get("train/loss/total")));
            }
        }
    }
}
