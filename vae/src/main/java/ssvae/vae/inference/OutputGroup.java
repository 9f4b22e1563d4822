package ssvae.vae.inference;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Output files that appear together or not at all: each is first written under a hidden temporary name in its
 * own folder ({@link #stage}); {@link #commit} renames them all to their final names; {@link #close} without a
 * commit deletes whatever was staged. Use in try-with-resources.
 */
public final class OutputGroup implements AutoCloseable {
    private final Map<Path, Path> staged = new LinkedHashMap<>();
    private boolean committed;

    /** A temporary path next to target (not created) to write the file under. */
    public Path stage(Path target) {
        Path abs = target.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
        staged.put(abs, tmp);
        return tmp;
    }

    /** Renames every staged file to its final name (replacing what was there). */
    public List<Path> commit() throws IOException {
        List<Path> done = new ArrayList<>();
        for (var e : staged.entrySet()) {
            if (!Files.isRegularFile(e.getValue())) throw new IOException(e.getKey() + ": nothing was written");
        }
        for (var e : staged.entrySet()) {
            copyPermissions(e.getKey(), e.getValue());
            try {
                Files.move(e.getValue(), e.getKey(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException x) {
                Files.move(e.getValue(), e.getKey(), StandardCopyOption.REPLACE_EXISTING);
            }
            done.add(e.getKey());
        }
        committed = true;
        return done;
    }

    /** Temporary files are owner-only; the result gets the replaced file's permissions, or rw-r--r-- (umask-like). */
    private static void copyPermissions(Path target, Path tmp) {
        try {
            if (!Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) return;
            Set<PosixFilePermission> perms = Files.exists(target) ? Files.getPosixFilePermissions(target) : PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, perms);
        } catch (IOException | UnsupportedOperationException ignored) {
            // permissions stay owner-only; the content is unaffected
        }
    }

    @Override public void close() {
        if (committed) return;
        for (Path tmp : staged.values()) {
            try { Files.deleteIfExists(tmp); } catch (IOException ignored) { /* best-effort clean-up of a failed run */ }
        }
    }
}
