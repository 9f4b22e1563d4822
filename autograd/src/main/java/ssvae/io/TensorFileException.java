package ssvae.io;

import java.nio.file.Path;

/** A tensor file that cannot be read or written; the message is one line: {@code <file>: <problem>}. */
public class TensorFileException extends IllegalArgumentException {
    private final transient Path file;

    public TensorFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public TensorFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public Path file() { return file; }
}
