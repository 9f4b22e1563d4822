package ssvae.vae.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Streams the samples of one WebDataset tar shard (never unpacked to disk): consecutive entries whose names share
 * the part before the first '.' of the file name form one sample (webdataset's group_by_keys), the rest of the
 * name is the extension. The meta file NAME.meta.jsonl beside NAME.tar (one JSON object per line with a "key"
 * field) is joined by key (sat's tarfile_samples_with_meta). Problems with the shard or its meta file are
 * {@link DataException}s naming the file.
 */
public final class ShardReader implements Iterator<Sample>, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path tar;
    private final String shardName;
    private final Map<String, JsonNode> meta;
    private final InputStream raw;
    private final TarArchiveInputStream in;
    private TarArchiveEntry pendingEntry;
    private byte[] pendingData;
    private Sample next;
    private boolean done;

    public ShardReader(Path tar) {
        this.tar = tar;
        this.shardName = tar.toString();
        if (!Files.isRegularFile(tar)) throw DataException.of(tar, "no such shard");
        this.meta = readMeta(metaPath(tar));
        try {
            raw = new BufferedInputStream(Files.newInputStream(tar), 1 << 16);
            byte[] head = raw.readNBytes(512);
            if (head.length < 512 || !validHeader(head)) {
                raw.close();
                throw DataException.of(tar, head.length == 0 ? "empty file, not a tar archive" : "not a tar archive");
            }
            raw.close();
        } catch (IOException e) {
            throw DataException.of(tar, "cannot read (" + e.getMessage() + ")");
        }
        try {
            in = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tar), 1 << 16));
        } catch (IOException e) {
            throw DataException.of(tar, "cannot read (" + e.getMessage() + ")");
        }
    }

    /**
     * The meta file beside a shard: sat names it after the tar's name up to its first '.'
     * ("test.tar" -> "test.meta.jsonl"); when that does not exist, the name without ".tar" is tried.
     */
    public static Path metaPath(Path tar) {
        String n = tar.getFileName().toString();
        int dot = n.indexOf('.');
        Path official = tar.resolveSibling((dot < 0 ? n : n.substring(0, dot)) + ".meta.jsonl");
        if (Files.exists(official)) return official;
        return tar.resolveSibling((n.endsWith(".tar") ? n.substring(0, n.length() - 4) : n) + ".meta.jsonl");
    }

    /** Reads a .meta.jsonl file into key -> object; an absent file gives an empty map. */
    public static Map<String, JsonNode> readMeta(Path file) {
        Map<String, JsonNode> m = new HashMap<>();
        if (!Files.exists(file)) return m;
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw DataException.of(file, "cannot read (" + e.getMessage() + ")");
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw DataException.of(file, "line " + (i + 1) + ": not JSON (" + e.getOriginalMessage() + ")");
            }
            JsonNode key = n == null || !n.isObject() ? null : n.get("key");
            if (key == null || !key.isValueNode() || key.asText().isEmpty()) {
                throw DataException.of(file, "line " + (i + 1) + ": names no sample (needs a JSON object with a \"key\" field)");
            }
            m.put(key.asText(), n);
        }
        return m;
    }

    public Path path() { return tar; }

    /** The first 512-byte record is a tar header when its checksum field matches its bytes. */
    private static boolean validHeader(byte[] head) {
        try {
            return TarUtils.verifyCheckSum(head);
        } catch (IllegalArgumentException e) {  // the checksum field is not an octal number
            return false;
        }
    }

    /** Key and extension of a tar member name: "dir/KEY.ext.more" -> ("dir/KEY", "ext.more"). */
    static String[] keyAndExt(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.indexOf('.', slash + 1);
        if (dot < 0) return null;
        return new String[] {name.substring(0, dot), name.substring(dot + 1).toLowerCase()};
    }

    private boolean readEntry() {
        try {
            while (true) {
                TarArchiveEntry e = in.getNextEntry();
                if (e == null) return false;
                if (!e.isFile() || keyAndExt(e.getName()) == null) continue;
                if (e.getSize() > Integer.MAX_VALUE - 16) throw DataException.of(tar, "entry " + e.getName() + " is larger than 2 GiB");
                byte[] data = in.readNBytes((int) e.getSize());
                if (data.length != e.getSize()) throw DataException.of(tar, "truncated tar archive (entry " + e.getName() + " cut short)");
                pendingEntry = e;
                pendingData = data;
                return true;
            }
        } catch (IOException | IllegalArgumentException e) {
            throw DataException.of(tar, "truncated or corrupt tar archive (" + e.getMessage() + ")");
        }
    }

    @Override public boolean hasNext() {
        if (next != null) return true;
        if (done) return false;
        if (pendingEntry == null && !readEntry()) {
            done = true;
            return false;
        }
        String key = keyAndExt(pendingEntry.getName())[0];
        Map<String, byte[]> files = new LinkedHashMap<>();
        while (pendingEntry != null && keyAndExt(pendingEntry.getName())[0].equals(key)) {
            files.put(keyAndExt(pendingEntry.getName())[1], pendingData);
            pendingEntry = null;
            pendingData = null;
            if (!readEntry()) done = true;
        }
        String shortKey = key.substring(key.lastIndexOf('/') + 1);
        JsonNode m = meta.get(key);
        if (m == null) m = meta.get(shortKey);
        next = new Sample(shardName, key, files, m);
        return true;
    }

    @Override public Sample next() {
        if (!hasNext()) throw new NoSuchElementException();
        Sample s = next;
        next = null;
        return s;
    }

    @Override public void close() {
        try { in.close(); } catch (IOException ignored) { /* read-only stream */ }
    }

    /** All samples of a shard (for small shards and tests). */
    public static List<Sample> readAll(Path tar) {
        try (ShardReader r = new ShardReader(tar)) {
            List<Sample> out = new java.util.ArrayList<>();
            r.forEachRemaining(out::add);
            return out;
        }
    }
}
