package ssvae.vae.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Atomic checkpoint folders: an interrupted write leaves the earlier checkpoints loadable. */
class CheckpointStoreTest {
    static CheckpointStore.Contents contents(float v) {
        Map<String, Map<String, Tensor>> files = new LinkedHashMap<>();
        files.put("model.safetensors", Map.of("w", Tensor.full(v, 3, 2)));
        return new CheckpointStore.Contents(files, "{\"step\": " + (int) v + "}");
    }

    @Test void writeFailingHalfwayKeepsThePreviousCheckpoint(@TempDir Path dir) {
        CheckpointStore s = new CheckpointStore(dir, 3);
        s.write(1, contents(1));
        // the second file's tensors blow up while being written (as a kill or a full disk would stop the write)
        Map<String, Map<String, Tensor>> files = new LinkedHashMap<>();
        files.put("model.safetensors", Map.of("w", Tensor.full(2f, 3, 2)));
        files.put("optim.safetensors", new AbstractMap<>() {
            @Override public Set<Entry<String, Tensor>> entrySet() {
                return new java.util.AbstractSet<>() {
                    @Override public Iterator<Entry<String, Tensor>> iterator() { throw new IllegalStateException("interrupted"); }
                    @Override public int size() { return 1; }
                };
            }
        });
        assertThrows(RuntimeException.class, () -> s.write(2, new CheckpointStore.Contents(files, "{}")));
        assertEquals(1, s.list().size());
        assertEquals("step-00000001", s.latest().getFileName().toString());
        assertEquals(1f, CheckpointStore.read(s.latest(), "model.safetensors").get("w").toFloatArray()[0]);
    }

    @Test void leftoversOfAKilledWriteAreIgnoredAndRemoved(@TempDir Path dir) throws Exception {
        CheckpointStore s = new CheckpointStore(dir, 3);
        s.write(5, contents(5));
        Path tmp = dir.resolve("checkpoints/.tmp-step-00000006-123");
        Files.createDirectories(tmp);
        Files.write(tmp.resolve("model.safetensors"), new byte[] {1, 2, 3});
        Path noJson = dir.resolve("checkpoints/step-00000007");   // a folder without trainer.json is not a checkpoint
        Files.createDirectories(noJson);
        assertEquals("step-00000005", s.latest().getFileName().toString());
        new CheckpointStore(dir, 3);
        assertFalse(Files.exists(tmp));
        assertEquals(5f, CheckpointStore.read(s.latest(), "model.safetensors").get("w").toFloatArray()[0]);
    }

    @Test void keepsTheLastK(@TempDir Path dir) {
        CheckpointStore s = new CheckpointStore(dir, 2);
        for (int i = 1; i <= 4; i++) s.write(i * 10, contents(i));
        assertEquals(java.util.List.of("step-00000030", "step-00000040"), s.list().stream().map(p -> p.getFileName().toString()).toList());
        CheckpointStore all = new CheckpointStore(dir.resolve("x"), -1);
        for (int i = 1; i <= 4; i++) all.write(i, contents(i));
        assertEquals(4, all.list().size());
    }
}
