package ssvae.vae.data;

import java.nio.file.Path;

/**
 * A data file that cannot be used: the message is one line naming the file (or shard and key) and the problem,
 * so the command line can print it as is.
 */
public class DataException extends RuntimeException {
    public DataException(String message) { super(message); }
    public DataException(String message, Throwable cause) { super(message, cause); }

    /** "FILE: problem". */
    public static DataException of(Path file, String problem) { return new DataException(file + ": " + problem); }
    public static DataException of(String name, String problem) { return new DataException(name + ": " + problem); }
}
