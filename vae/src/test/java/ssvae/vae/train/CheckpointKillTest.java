package ssvae.vae.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A process killed (SIGKILL) while it writes checkpoints leaves the last complete one loadable. */
class CheckpointKillTest {
    /** Child process: writes 2 MB checkpoints step 1, 2, 3, ... until killed. */
    public static void main(String[] args) {
        CheckpointStore s = new CheckpointStore(Path.of(args[0]), 3);
        for (long step = 1; ; step++) {
            Map<String, Map<String, Tensor>> files = new LinkedHashMap<>();
            files.put("model.safetensors", Map.of("w", Tensor.full((double) step, 512, 1024)));
            files.put("optim.safetensors", Map.of("m", Tensor.full((double) step, 512, 1024)));
            s.write(step, new CheckpointStore.Contents(files, "{\"step\": " + step + "}"));
        }
    }

    /** Complete checkpoint folders, counted without a CheckpointStore (whose constructor cleans temporary folders). */
    static long complete(Path run) throws java.io.IOException {
        Path d = run.resolve("checkpoints");
        if (!Files.isDirectory(d)) return 0;
        try (var l = Files.list(d)) {
            return l.filter(q -> q.getFileName().toString().startsWith(CheckpointStore.PREFIX)).count();
        }
    }

    @Test void killDuringWritesKeepsTheLastCompleteCheckpoint(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int round = 0; round < 3; round++) {
            Path run = dir.resolve("r" + round);
            Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                    CheckpointKillTest.class.getName(), run.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("out" + round).toFile()).start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline && p.isAlive()) {
                if (complete(run) >= 2 + round) break;
                Thread.sleep(5);
            }
            assertTrue(p.isAlive(), "the writer died on its own: " + Files.readString(dir.resolve("out" + round)));
            Thread.sleep(7L * round);
            p.destroyForcibly().waitFor();
            CheckpointStore s = new CheckpointStore(run, 3);
            Path latest = s.latest();
            assertNotNull(latest);
            long step = Long.parseLong(latest.getFileName().toString().substring(CheckpointStore.PREFIX.length()));
            for (String f : List.of("model.safetensors", "optim.safetensors")) {
                Tensor t = CheckpointStore.read(latest, f).values().iterator().next();
                assertEquals(512 * 1024, t.numel());
                assertEquals((float) step, t.toFloatArray()[512 * 1024 - 1], f + " of " + latest);
            }
            try (var l = Files.list(run.resolve("checkpoints"))) {
                assertTrue(l.noneMatch(q -> q.getFileName().toString().startsWith(".tmp-")), "half-written folders are removed");
            }
        }
    }
}
