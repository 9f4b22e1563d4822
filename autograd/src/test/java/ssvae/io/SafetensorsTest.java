package ssvae.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.tensor.DType;
import ssvae.tensor.Generator;
import ssvae.tensor.Half;
import ssvae.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SafetensorsTest {
    @TempDir Path dir;

    static Tensor sample(DType dt, Generator g, int... shape) {
        Tensor x = Tensor.randn(g, shape).mul(5);
        return switch (dt) {
            case I64, I32, U8 -> x.abs().floor().to(dt);
            case BOOL -> x.gt(0);
            default -> x.to(dt);
        };
    }

    static void assertSameTensor(Tensor a, Tensor b) {
        assertEquals(a.dtype(), b.dtype());
        assertArrayEquals(a.shape(), b.shape());
        Tensor ca = TensorBytes.hostContiguous(a), cb = TensorBytes.hostContiguous(b);
        for (int i = 0; i < a.numel(); i++) {
            double x = ((ssvae.tensor.CpuStorage) ca.storage()).getDouble(ca.offset() + i);
            double y = ((ssvae.tensor.CpuStorage) cb.storage()).getDouble(cb.offset() + i);
            assertEquals(Double.doubleToLongBits(x), Double.doubleToLongBits(y), "element " + i);
        }
    }

    @Test void roundTripEveryDtypeIncludingScalarAndEmpty() throws IOException {
        Generator g = new Generator(7);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (DType dt : DType.values()) {
            m.put(dt + ".mat", sample(dt, g, 3, 5));
            m.put(dt + ".scalar", sample(dt, g));
            m.put(dt + ".empty", Tensor.empty(dt, ssvae.tensor.Device.CPU, 2, 0, 3));
            m.put(dt + ".odd", sample(dt, g, 7));
        }
        Path f = dir.resolve("all.safetensors");
        long bytes = SafetensorsWriter.write(f, m, Map.of("format", "pt", "note", "quote \" and \\ and \n ünï"));
        assertEquals(Files.size(f), bytes);
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertEquals(List.copyOf(m.keySet()), List.copyOf(r.names()));
            assertEquals(Map.of("format", "pt", "note", "quote \" and \\ and \n ünï"), r.metadata());
            for (var e : m.entrySet()) assertSameTensor(e.getValue(), r.load(e.getKey()));
            assertEquals(0, r.load("F32.scalar").dim());
            assertEquals(0, r.entry("I64.empty").bytes());
        }
    }

    @Test void halfTypesKeepRawBits() {
        short[] bits = {(short) 0x7fc1, (short) 0xff80, 0x0001, (short) 0x8000, 0x3f80};
        Path f = dir.resolve("h.safetensors");
        SafetensorsWriter.write(f, Map.of("b", Tensor.fromHalfBits(DType.BF16, bits.clone()), "h", Tensor.fromHalfBits(DType.F16, bits.clone())));
        var back = SafetensorsReader.read(f);
        assertArrayEquals(bits, ((ssvae.tensor.CpuStorage) back.get("b").storage()).i16());
        assertArrayEquals(bits, ((ssvae.tensor.CpuStorage) back.get("h").storage()).i16());
    }

    @Test void nonContiguousViewsAreWrittenAsTheirValues() {
        Tensor base = Tensor.arange(0, 24, 1).to(DType.F32).reshape(2, 3, 4);
        Tensor tr = base.transpose(0, 2);                 // 4,3,2 strided
        Tensor sl = base.slice(2, 1, 4, 2);               // offset view
        Tensor ex = Tensor.fromArray(new float[] {1, 2, 3}).reshape(3, 1).expand(3, 4);
        Path f = dir.resolve("v.safetensors");
        SafetensorsWriter.write(f, new LinkedHashMap<>(Map.of("tr", tr, "sl", sl, "ex", ex)));
        var back = SafetensorsReader.read(f);
        assertSameTensor(tr, back.get("tr"));
        assertSameTensor(sl, back.get("sl"));
        assertSameTensor(ex, back.get("ex"));
        assertEquals(base.get(0, 1, 3), back.get("sl").get(0, 1, 1), 0.0);
    }

    /** The bytes of a tiny file, spelled out by hand from the format description. */
    @Test void byteExactSmallFile() throws IOException {
        Path f = dir.resolve("tiny.safetensors");
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a", Tensor.fromArray(new float[] {1.0f, -2.0f}, 2));
        m.put("b", Tensor.fromLongs(new long[] {3}, 1, 1));
        SafetensorsWriter.write(f, m, Map.of("k", "v"));

        String json = "{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"I64\",\"shape\":[1,1],\"data_offsets\":[8,16]}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteBuffer exp = ByteBuffer.allocate(8 + padded + 16).order(ByteOrder.LITTLE_ENDIAN);
        exp.putLong(padded);
        exp.put(json.getBytes(StandardCharsets.US_ASCII));
        for (int i = json.length(); i < padded; i++) exp.put((byte) ' ');
        // 1.0f = 0x3F800000, -2.0f = 0xC0000000, little-endian; then int64 3
        exp.put(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0, 3, 0, 0, 0, 0, 0, 0, 0});
        assertArrayEquals(exp.array(), Files.readAllBytes(f));
    }

    /** A file written by hand (not by our writer): unpadded header, tensors listed out of offset order. */
    @Test void readsHandWrittenFile() throws IOException {
        String json = "{\"y\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[4,6]}, \"x\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        ByteBuffer b = ByteBuffer.allocate(8 + json.length() + 6).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length()).put(json.getBytes(StandardCharsets.US_ASCII));
        b.putInt(-5).putShort(Half.floatToBf16(1.5f));
        Path f = dir.resolve("hand.safetensors");
        Files.write(f, b.array());
        var back = SafetensorsReader.read(f);
        assertEquals(List.of("y", "x"), new ArrayList<>(back.keySet()));
        assertEquals(-5, back.get("x").get(0), 0.0);
        assertEquals(1.5, back.get("y").item(), 0.0);
    }

    private Path fileWith(String name, String json, int dataBytes) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    private static void assertFails(Path f, String fragment) {
        TensorFileException e = assertThrows(TensorFileException.class, () -> SafetensorsReader.read(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test void truncatedAndCorruptFilesGiveOneLineErrors() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafetensorsWriter.write(good, Map.of("w", Tensor.ones(4, 4)));
        byte[] all = Files.readAllBytes(good);

        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertFails(tiny, "truncated");

        Path cutHeader = dir.resolve("cut-header.safetensors");
        Files.write(cutHeader, java.util.Arrays.copyOf(all, 40));
        assertFails(cutHeader, "truncated: header length");

        Path cutData = dir.resolve("cut-data.safetensors");
        Files.write(cutData, java.util.Arrays.copyOf(all, all.length - 3));
        assertFails(cutData, "truncated: the header describes 64 data bytes but the file holds 61");

        Path extra = dir.resolve("extra.safetensors");
        Files.write(extra, java.util.Arrays.copyOf(all, all.length + 4));
        assertFails(extra, "4 bytes after the last tensor");

        Path huge = dir.resolve("huge.safetensors");
        Files.write(huge, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, '{', '}'});
        assertFails(huge, "limit");

        assertFails(fileWith("notjson.safetensors", "{\"a\":{\"dtype\":\"F32\",", 0), "corrupt header JSON");
        assertFails(fileWith("notobj.safetensors", "[1,2]   ", 0), "does not start with '{'");
        assertFails(fileWith("dtype.safetensors", "{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1), "does not support");
        assertFails(fileWith("size.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), "needs 8 bytes");
        assertFails(fileWith("hole.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2), "(hole)");
        assertFails(fileWith("overlap.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[1,3]}}", 3), "(overlap)");
        assertFails(fileWith("dup.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2), "duplicate key");
        assertFails(fileWith("shape.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,1]}}", 1), "bad shape");
        assertFails(fileWith("meta.safetensors", "{\"__metadata__\":{\"n\":1}}", 0), "is not a string");
        assertFails(dir.resolve("missing.safetensors"), "no such file");
    }

    @Test void interruptedWriteLeavesPreviousFileIntact() throws IOException {
        Path f = dir.resolve("keep.safetensors");
        SafetensorsWriter.write(f, Map.of("old", Tensor.ones(3)));
        byte[] before = Files.readAllBytes(f);
        List<SafetensorsWriter.Item> items = List.of(
                SafetensorsWriter.Item.of("a", Tensor.zeros(1000)),
                new SafetensorsWriter.Item("b", DType.F32, new int[] {2}, () -> { throw new IllegalStateException("source failed"); }));
        assertThrows(IllegalStateException.class, () -> SafetensorsWriter.write(f, items, Map.of()));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var s = Files.list(dir)) { assertEquals(List.of(f), s.toList(), "no temporary file left"); }

        List<SafetensorsWriter.Item> lying = List.of(new SafetensorsWriter.Item("c", DType.F32, new int[] {3}, () -> Tensor.ones(4)));
        TensorFileException e = assertThrows(TensorFileException.class, () -> SafetensorsWriter.write(f, lying, Map.of()));
        assertTrue(e.getMessage().contains("declared"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
    }

    /** Streams a file tensor by tensor: the writer pulls lazily, the reader loads one name at a time. */
    @Test void streamingCopyPullsOneTensorAtATime() {
        Path src = dir.resolve("src.safetensors");
        Map<String, Tensor> m = new LinkedHashMap<>();
        Generator g = new Generator(3);
        for (int i = 0; i < 6; i++) m.put("t" + i, Tensor.randn(g, 300_000 + i));   // > one 1 MiB chunk each
        SafetensorsWriter.write(src, m);
        Path dst = dir.resolve("dst.safetensors");
        int[] live = {0};
        try (SafetensorsReader r = SafetensorsReader.open(src)) {
            List<SafetensorsWriter.Item> items = new ArrayList<>();
            for (String n : r.names()) {
                var e = r.entry(n);
                items.add(new SafetensorsWriter.Item(n, DType.BF16, e.shape(), () -> { live[0]++; return r.load(n).to(DType.BF16); }));
            }
            SafetensorsWriter.write(dst, items, Map.of("converted", "yes"));
        }
        assertEquals(6, live[0]);
        var back = SafetensorsReader.read(dst);
        for (var e : m.entrySet()) assertSameTensor(e.getValue().to(DType.BF16), back.get(e.getKey()));
    }

    @Test void writtenFilesGetNormalOrPreservedPermissions() throws IOException {
        Path f = dir.resolve("perm.safetensors");
        SafetensorsWriter.write(f, Map.of("a", Tensor.ones(1)));
        if (!Files.getFileStore(f).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) return;
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        SafetensorsWriter.write(f, Map.of("b", Tensor.ones(2)));
        assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(List.of("b"), new ArrayList<>(SafetensorsReader.read(f).keySet()));
    }

    @Test void badNamesAreRejectedBeforeWriting() {
        Path f = dir.resolve("bad.safetensors");
        assertThrows(TensorFileException.class, () -> SafetensorsWriter.write(f, Map.of("__metadata__", Tensor.ones(1))));
        assertFalse(Files.exists(f));
    }
}
