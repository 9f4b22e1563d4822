package ssvae.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import ssvae.io.SafetensorsReader;
import ssvae.io.SafetensorsWriter;
import ssvae.tensor.DType;
import ssvae.tensor.Tensor;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class ConvertCommandTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /**
     * A torch.save-style zip written here byte by byte (protocol 2 pickle of
     * {'state_dict': OrderedDict(model.w: f32[2,2], model.n: i64[1]), 'epoch': 1}), so the CLI test needs no fixture module.
     */
    Path torchCheckpoint(String name) throws IOException {
        ByteBuffer pk = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        pk.put(new byte[] {(byte) 0x80, 2, '}', '('});
        str(pk, "state_dict");
        pk.put("ccollections\nOrderedDict\n".getBytes(StandardCharsets.US_ASCII)).put(new byte[] {')', 'R', '('});
        str(pk, "model.w");
        tensor(pk, "FloatStorage", "0", 4, new int[] {2, 2}, new int[] {2, 1});
        str(pk, "model.n");
        tensor(pk, "LongStorage", "1", 1, new int[] {1}, new int[] {1});
        str(pk, "other.x");
        tensor(pk, "FloatStorage", "0", 4, new int[] {2}, new int[] {2});   // a strided view of storage 0
        pk.put((byte) 'u');
        str(pk, "epoch");
        pk.put(new byte[] {'K', 1, 'u', '.'});
        ByteBuffer f = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).putFloat(0.25f).putFloat(3f);
        ByteBuffer l = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(42);
        Path p = dir.resolve(name);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            entry(z, "archive/data.pkl", java.util.Arrays.copyOf(pk.array(), pk.position()));
            entry(z, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            entry(z, "archive/data/0", f.array());
            entry(z, "archive/data/1", l.array());
            entry(z, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return p;
    }

    private static void str(ByteBuffer b, String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        b.put((byte) 'X').putInt(u.length).put(u);
    }

    private static void tensor(ByteBuffer b, String storage, String key, int numel, int[] size, int[] stride) {
        b.put("ctorch._utils\n_rebuild_tensor_v2\n".getBytes(StandardCharsets.US_ASCII)).put((byte) '(');
        b.put((byte) '(');
        str(b, "storage");
        b.put(("ctorch\n" + storage + "\n").getBytes(StandardCharsets.US_ASCII));
        str(b, key);
        str(b, "cpu");
        b.put(new byte[] {'K', (byte) numel, 't', 'Q', 'K', 0});
        b.put((byte) '(');
        for (int s : size) b.put(new byte[] {'K', (byte) s});
        b.put((byte) 't').put((byte) '(');
        for (int s : stride) b.put(new byte[] {'K', (byte) s});
        b.put(new byte[] {'t', (byte) 0x89, '}', 't', 'R'});
    }

    private static void entry(ZipOutputStream z, String name, byte[] data) throws IOException {
        z.putNextEntry(new ZipEntry(name));
        z.write(data);
        z.closeEntry();
    }

    @Test void convertsALightningCheckpoint() throws IOException {
        Path in = torchCheckpoint("m.ckpt");
        Path out = dir.resolve("m.safetensors");
        Run r = run("convert", in.toString(), out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(out + ": 3 tensors, " + Files.size(out) + " bytes" + System.lineSeparator(), r.out());
        try (SafetensorsReader sr = SafetensorsReader.open(out)) {
            assertEquals(List.of("model.w", "model.n", "other.x"), new ArrayList<>(sr.names()));
            assertEquals(Map.of("format", "pt"), sr.metadata());
            assertArrayEquals(new float[] {1.5f, -2f, 0.25f, 3f}, sr.load("model.w").toFloatArray());
            assertArrayEquals(new long[] {42}, sr.load("model.n").toLongArray());
            assertArrayEquals(new float[] {1.5f, 0.25f}, sr.load("other.x").toFloatArray());
        }
    }

    @Test void prefixFilterAndBf16Cast() throws IOException {
        Path in = torchCheckpoint("m.pt");
        Path out = dir.resolve("enc.safetensors");
        Run r = run("convert", in.toString(), out.toString(), "--prefix", "model.", "--dtype", "bf16");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(": 2 tensors, "), r.out());
        try (SafetensorsReader sr = SafetensorsReader.open(out)) {
            assertEquals(List.of("w", "n"), new ArrayList<>(sr.names()));
            assertEquals(DType.BF16, sr.entry("w").dtype());
            assertEquals(DType.I64, sr.entry("n").dtype(), "integer tensors are not cast");
            assertArrayEquals(new float[] {1.5f, -2f, 0.25f, 3f}, sr.load("w").toFloatArray());
        }
    }

    @Test void safetensorsRewriteKeepsMetadataAndCastsToF32() {
        Path in = dir.resolve("a.safetensors");
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("enc.x", Tensor.fromArray(new float[] {1, 2, 3}).to(DType.BF16));
        m.put("dec.y", Tensor.ones(2));
        SafetensorsWriter.write(in, m, Map.of("step", "7"));
        Path out = dir.resolve("b.safetensors");
        Run r = run("convert", in.toString(), out.toString(), "--dtype", "f32", "--prefix", "enc.");
        assertEquals(0, r.code(), r.err());
        try (SafetensorsReader sr = SafetensorsReader.open(out)) {
            assertEquals(List.of("x"), new ArrayList<>(sr.names()));
            assertEquals(DType.F32, sr.entry("x").dtype());
            assertEquals(Map.of("step", "7"), sr.metadata());
            assertArrayEquals(new float[] {1, 2, 3}, sr.load("x").toFloatArray());
        }
        // in-place rewrite of the same file
        Run same = run("convert", in.toString(), in.toString(), "--dtype", "bf16");
        assertEquals(0, same.code(), same.err());
        assertEquals(DType.BF16, SafetensorsReader.read(in).get("dec.y").dtype());
    }

    private void assertFailsCleanly(Run r, Path out, String fragment) {
        assertNotEquals(0, r.code());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), err);
        assertTrue(err.startsWith("ssvae: "), err);
        assertTrue(err.contains(fragment), "expected '" + fragment + "' in: " + err);
        assertFalse(Files.exists(out), "no output file may be left");
        try (var s = Files.list(out.getParent())) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file may be left");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test void badInputsFailWithOneLineAndNoOutput() throws IOException {
        Path out = dir.resolve("o.safetensors");
        Path good = torchCheckpoint("g.ckpt");
        byte[] all = Files.readAllBytes(good);

        Path cut = dir.resolve("cut.ckpt");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 30));
        assertFailsCleanly(run("convert", cut.toString(), out.toString()), out, "ssvae: " + cut + ": ");

        Path missing = dir.resolve("missing.pt");
        assertFailsCleanly(run("convert", missing.toString(), out.toString()), out, missing + ": no such file");

        Path junk = dir.resolve("junk.safetensors");
        Files.write(junk, new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '"'});
        assertFailsCleanly(run("convert", junk.toString(), out.toString()), out, junk + ": truncated");

        assertFailsCleanly(run("convert", good.toString(), out.toString(), "--prefix", "nothing."), out, "no key starts with 'nothing.'");
        assertFailsCleanly(run("convert", good.toString(), out.toString(), "--dtype", "i32"), out, "only floating types");
        assertFailsCleanly(run("convert", good.toString(), out.toString(), "--dtype", "f12"), out, "unknown dtype 'f12'");
        Path legacy = dir.resolve("old.bin");
        Files.write(legacy, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c});
        assertFailsCleanly(run("convert", legacy.toString(), out.toString()), out, "legacy torch.save file: truncated pickle");
        Path txt = dir.resolve("o.txt");
        assertFailsCleanly(run("convert", good.toString(), txt.toString()), txt, "must be a .safetensors file");
    }

    @Test void failedConversionLeavesAnExistingOutputUntouched() throws IOException {
        Path out = dir.resolve("keep.safetensors");
        SafetensorsWriter.write(out, Map.of("old", Tensor.ones(1)));
        byte[] before = Files.readAllBytes(out);
        Path bad = dir.resolve("bad.pt");
        Files.writeString(bad, "not a checkpoint");
        Run r = run("convert", bad.toString(), out.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().startsWith("ssvae: " + bad + ": "), r.err());
        assertArrayEquals(before, Files.readAllBytes(out));
    }

    @Test void globalDtypeOptionStillWorks() throws IOException {
        Path in = torchCheckpoint("g2.ckpt");
        Path out = dir.resolve("g2.safetensors");
        Run r = run("--dtype", "f32", "convert", in.toString(), out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(DType.F32, SafetensorsReader.read(out).get("model.w").dtype());
    }
}
