package ssvae.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replace-on-success file writes: the body writes a temporary file in the target's directory, which is
 * fsynced and renamed over the target; on any failure the temporary file is deleted and the target is left
 * as it was (the usual write-fsync-rename recipe).
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Writes into an open channel; IOExceptions and runtime exceptions abort the write. */
    @FunctionalInterface
    public interface Body { void write(FileChannel ch) throws IOException; }

    public static void write(Path target, Body body) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null && !Files.isDirectory(dir)) throw new TensorFileException(target, "cannot write: directory " + dir + " does not exist");
        if (Files.isDirectory(abs)) throw new TensorFileException(target, "cannot write: is a directory");
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            copyPermissions(abs, tmp);
        } catch (IOException e) {
            throw new TensorFileException(target, "cannot create a temporary file in " + dir + ": " + e.getMessage(), e);
        }
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.write(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new TensorFileException(target, "cannot write: " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        } finally {
            if (!done) {
                try { Files.deleteIfExists(tmp); } catch (IOException ignored) { /* best effort cleanup */ }
            }
        }
    }

    /** Temporary files are created owner-only; give the result the old file's permissions, or rw-r--r--. */
    private static void copyPermissions(Path target, Path tmp) {
        try {
            if (!Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) return;
            Set<PosixFilePermission> perms = Files.exists(target) ? Files.getPosixFilePermissions(target)
                    : PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, perms);
        } catch (IOException | UnsupportedOperationException ignored) {
            // permissions stay owner-only; the content is unaffected
        }
    }

    /** Makes the rename durable where the platform allows opening a directory (Linux); elsewhere a no-op. */
    private static void syncDirectory(Path dir) {
        if (dir == null) return;
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not supported on this file system; the data itself is already fsynced
        }
    }
}
