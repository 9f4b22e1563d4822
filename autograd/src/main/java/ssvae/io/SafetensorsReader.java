package ssvae.io;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file opened lazily (format: github.com/huggingface/safetensors): an 8-byte little-endian header
 * length N, N bytes of UTF-8 JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}},
 * then the byte buffer, row-major little-endian, entirely covered by the tensors without holes or overlaps.
 * Opening reads and validates only the header; {@link #load} reads one tensor with positional reads.
 */
public final class SafetensorsReader implements AutoCloseable {
    /** Header size limit, as in the reference implementation (100 MB). */
    static final long MAX_HEADER = 100_000_000L;

    /** One tensor of the index: byte offsets are relative to the start of the data buffer. */
    public record Entry(String name, DType dtype, int[] shape, long begin, long end) {
        @Override public int[] shape() { return shape.clone(); }
        public long numel() {
            long n = 1;
            for (int d : shape) n *= d;
            return n;
        }
        public long bytes() { return end - begin; }
    }

    private final Path path;
    private final FileChannel ch;
    private final long dataStart;
    private final Map<String, Entry> index;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path path, FileChannel ch, long dataStart, Map<String, Entry> index, Map<String, String> metadata) {
        this.path = path; this.ch = ch; this.dataStart = dataStart; this.index = index; this.metadata = metadata;
    }

    /** Opens a file and validates its header; throws {@link TensorFileException} naming the file and the problem. */
    public static SafetensorsReader open(Path path) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new TensorFileException(path, "no such file");
        } catch (IOException e) {
            throw new TensorFileException(path, "cannot open: " + e.getMessage(), e);
        }
        try {
            return parse(path, ch);
        } catch (RuntimeException | IOException e) {
            try { ch.close(); } catch (IOException ignored) { /* already failing */ }
            if (e instanceof TensorFileException t) throw t;
            throw new TensorFileException(path, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads every tensor of a file, in header order. */
    public static LinkedHashMap<String, Tensor> read(Path path) {
        try (SafetensorsReader r = open(path)) {
            return r.loadAll();
        }
    }

    private static SafetensorsReader parse(Path path, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) throw new TensorFileException(path, "truncated: " + size + " bytes, too short for the 8-byte header length");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long n = lenBuf.flip().getLong();
        if (n < 0 || n > MAX_HEADER)
            throw new TensorFileException(path, "corrupt header: length " + Long.toUnsignedString(n) + " is beyond the " + MAX_HEADER + "-byte limit (not a safetensors file?)");
        if (n > size - 8)
            throw new TensorFileException(path, "truncated: header length " + n + " exceeds the " + (size - 8) + " bytes after the length field");
        if (n < 2) throw new TensorFileException(path, "corrupt header: length " + n + " is too short for a JSON object");
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(ch, hb, 8);
        hb.flip();
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb).toString();
        } catch (CharacterCodingException e) {
            throw new TensorFileException(path, "corrupt header: not valid UTF-8");
        }
        if (json.charAt(0) != '{') throw new TensorFileException(path, "corrupt header: does not start with '{' (not a safetensors file?)");
        Object root;
        try {
            root = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new TensorFileException(path, "corrupt header JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> top)) throw new TensorFileException(path, "corrupt header: not a JSON object");

        Map<String, String> meta = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> m)) throw new TensorFileException(path, "corrupt header: __metadata__ is not an object");
                for (Map.Entry<?, ?> me : m.entrySet()) {
                    if (!(me.getValue() instanceof String v))
                        throw new TensorFileException(path, "corrupt header: __metadata__ value of \"" + me.getKey() + "\" is not a string");
                    meta.put((String) me.getKey(), v);
                }
                continue;
            }
            entries.add(entry(path, name, e.getValue()));
        }
        long dataLen = size - 8 - n;
        checkCoverage(path, entries, dataLen);
        Map<String, Entry> index = new LinkedHashMap<>();
        for (Entry en : entries) index.put(en.name(), en);
        return new SafetensorsReader(path, ch, 8 + n, Collections.unmodifiableMap(index), Collections.unmodifiableMap(meta));
    }

    private static Entry entry(Path path, String name, Object v) {
        String where = "tensor '" + name + "'";
        if (!(v instanceof Map<?, ?> m)) throw new TensorFileException(path, "corrupt header: " + where + " is not an object");
        if (!(m.get("dtype") instanceof String ds)) throw new TensorFileException(path, "corrupt header: " + where + " has no dtype string");
        DType dt = dtypeOf(ds);
        if (dt == null) throw new TensorFileException(path, where + " has dtype " + ds + ", which ssvae does not support (F32, F64, BF16, F16, I64, I32, U8, BOOL)");
        if (!(m.get("shape") instanceof List<?> sl)) throw new TensorFileException(path, "corrupt header: " + where + " has no shape list");
        int[] shape = new int[sl.size()];
        long numel = 1;
        for (int k = 0; k < shape.length; k++) {
            if (!(sl.get(k) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE)
                throw new TensorFileException(path, "corrupt header: " + where + " has a bad shape " + sl);
            shape[k] = (int) (long) d;
            try { numel = Math.multiplyExact(numel, d); }
            catch (ArithmeticException ex) { throw new TensorFileException(path, "corrupt header: " + where + " has an absurd shape " + sl); }
        }
        if (!(m.get("data_offsets") instanceof List<?> ol) || ol.size() != 2
                || !(ol.get(0) instanceof Long b) || !(ol.get(1) instanceof Long en) || b < 0 || en < b)
            throw new TensorFileException(path, "corrupt header: " + where + " has bad data_offsets " + m.get("data_offsets"));
        long need = numel > Long.MAX_VALUE / dt.bytes ? -1 : numel * dt.bytes;
        if (en - b != need)
            throw new TensorFileException(path, "corrupt header: " + where + " (" + ds + ", shape " + sl + ") needs " + need
                    + " bytes but data_offsets [" + b + ", " + en + "] hold " + (en - b));
        return new Entry(name, dt, shape, b, en);
    }

    /** The data buffer must be covered exactly: sorted by offset, each tensor starts where the previous ended. */
    private static void checkCoverage(Path path, List<Entry> entries, long dataLen) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : sorted) {
            if (e.begin() != expected)
                throw new TensorFileException(path, "corrupt header: data_offsets of tensor '" + e.name() + "' start at byte " + e.begin()
                        + " but the previous tensor ends at " + expected + (e.begin() < expected ? " (overlap)" : " (hole)"));
            expected = e.end();
        }
        if (expected > dataLen)
            throw new TensorFileException(path, "truncated: the header describes " + expected + " data bytes but the file holds " + dataLen);
        if (expected < dataLen)
            throw new TensorFileException(path, "corrupt: " + (dataLen - expected) + " bytes after the last tensor are not described by the header");
    }

    /** Safetensors dtype names ssvae reads; null for the others (I8, U16, F8_*, ...). */
    static DType dtypeOf(String s) {
        for (DType d : DType.values()) if (d.safetensorsName().equals(s)) return d;
        return null;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) throw new IOException("unexpected end of file");
        }
    }

    public Path path() { return path; }
    public Map<String, String> metadata() { return metadata; }
    /** Tensor names in header order. */
    public Set<String> names() { return index.keySet(); }
    public Map<String, Entry> index() { return index; }
    public boolean contains(String name) { return index.containsKey(name); }

    public Entry entry(String name) {
        Entry e = index.get(name);
        if (e == null) throw new TensorFileException(path, "no tensor named '" + name + "'");
        return e;
    }

    /** Reads one tensor (a new contiguous CPU tensor). */
    public Tensor load(String name) {
        Entry e = entry(name);
        long numel = e.numel();
        if (numel > Integer.MAX_VALUE)
            throw new TensorFileException(path, "tensor '" + name + "' has " + numel + " elements, more than the 2^31-1 a tensor can hold");
        try {
            CpuStorage s = TensorBytes.read(ch, dataStart + e.begin(), e.dtype(), (int) numel, ByteOrder.LITTLE_ENDIAN);
            int[] shape = e.shape();
            return new Tensor(s, shape, Shape.contiguousStrides(shape), 0);
        } catch (IOException ex) {
            throw new TensorFileException(path, "cannot read tensor '" + name + "': " + ex.getMessage(), ex);
        }
    }

    /** Reads every tensor, in header order. */
    public LinkedHashMap<String, Tensor> loadAll() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (String n : index.keySet()) out.put(n, load(n));
        return out;
    }

    @Override public void close() {
        try { ch.close(); } catch (IOException ignored) { /* read-only channel: nothing to lose */ }
    }
}
