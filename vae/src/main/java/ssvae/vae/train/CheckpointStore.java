package ssvae.vae.train;

import ssvae.io.SafetensorsReader;
import ssvae.io.SafetensorsWriter;
import ssvae.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Checkpoints of a run: RUN/checkpoints/step-NNNNNNNN/ holding model.safetensors (encoder.*, decoder.*,
 * mask_token: loadable by the model alone), loss.safetensors (logvar, discriminator.* with spectral-norm
 * buffers), optim.safetensors (ae.* and disc.* Adam states), ema.safetensors (with EMA) and trainer.json.
 * A checkpoint is written into a hidden temporary folder, synced, then renamed into place in one atomic move, so a
 * kill during a write leaves the earlier checkpoints intact and the half-written folder is ignored (and removed
 * on the next start: one trainer per run directory). Only the last K are kept (K <= 0: all).
 */
public final class CheckpointStore {
    public static final String PREFIX = "step-";
    private final Path dir;
    private final int keep;

    public CheckpointStore(Path runDir, int keep) {
        this.dir = runDir.resolve("checkpoints");
        this.keep = keep;
        try {
            Files.createDirectories(dir);
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) deleteTree(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare checkpoint folder " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() { return dir; }

    /** The files of one checkpoint: name to tensors (safetensors) or text (trainer.json). */
    public record Contents(Map<String, Map<String, Tensor>> tensors, String trainerJson) {}

    /** Writes a checkpoint for a step atomically and prunes old ones; returns its folder. */
    public Path write(long step, Contents c) {
        Path target = dir.resolve(String.format("%s%08d", PREFIX, step));
        Path tmp = dir.resolve(".tmp-" + target.getFileName() + "-" + System.nanoTime());
        try {
            Files.createDirectories(tmp);
            for (var e : c.tensors().entrySet()) SafetensorsWriter.write(tmp.resolve(e.getKey()), e.getValue());
            Path json = tmp.resolve("trainer.json");
            Files.writeString(json, c.trainerJson());
            try (FileChannel ch = FileChannel.open(json, StandardOpenOption.WRITE)) { ch.force(true); }
            if (Files.exists(target)) deleteTree(target);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
        } catch (IOException e) {
            try { deleteTree(tmp); } catch (IOException ignored) { /* best effort */ }
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
        prune();
        return target;
    }

    /** Complete checkpoints, oldest first. */
    public List<Path> list() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isRegularFile(p.resolve("trainer.json")))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The newest complete checkpoint, or null. */
    public Path latest() {
        List<Path> l = list();
        return l.isEmpty() ? null : l.get(l.size() - 1);
    }

    private void prune() {
        if (keep <= 0) return;
        List<Path> l = new ArrayList<>(list());
        try {
            while (l.size() > keep) deleteTree(l.remove(0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove an old checkpoint in " + dir + ": " + e.getMessage(), e);
        }
    }

    public static Map<String, Tensor> read(Path ckpt, String name) {
        Path f = ckpt.resolve(name);
        if (!Files.isRegularFile(f)) return null;
        return SafetensorsReader.read(f);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
