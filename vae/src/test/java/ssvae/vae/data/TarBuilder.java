package ssvae.vae.data;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds small tar shards (and their meta files) inside a test's temporary folder. */
final class TarBuilder {
    private final Map<String, byte[]> entries = new LinkedHashMap<>();

    TarBuilder add(String name, byte[] data) { entries.put(name, data); return this; }
    TarBuilder add(String name, String text) { return add(name, text.getBytes(StandardCharsets.UTF_8)); }

    Path write(Path tar) throws IOException {
        try (OutputStream os = Files.newOutputStream(tar); TarArchiveOutputStream out = new TarArchiveOutputStream(os)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (var e : entries.entrySet()) {
                TarArchiveEntry te = new TarArchiveEntry(e.getKey());
                te.setSize(e.getValue().length);
                out.putArchiveEntry(te);
                out.write(e.getValue());
                out.closeArchiveEntry();
            }
        }
        return tar;
    }

    static Path meta(Path tar, String... lines) throws IOException {
        return Files.writeString(ShardReader.metaPath(tar), String.join("\n", lines) + "\n");
    }
}
