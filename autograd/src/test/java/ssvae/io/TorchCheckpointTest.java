package ssvae.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.Half;
import ssvae.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** Fixtures come from src/test/resources/io/make_torch_fixtures.py; the expected values repeat its formulas. */
class TorchCheckpointTest {
    @TempDir Path dir;

    Path fixture(String name) {
        Path p = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/io/" + name)) {
            assertNotNull(in, "missing test resource " + name);
            Files.copy(in, p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return p;
    }

    static double[] values(Tensor t) { return t.to(DType.F64).toDoubleArray(); }

    static short[] halfBits(Tensor t) {
        Tensor c = TensorBytes.hostContiguous(t);
        return Arrays.copyOfRange(((CpuStorage) c.storage()).i16(), c.offset(), c.offset() + c.numel());
    }

    static void checkStateDict(Map<String, Tensor> sd, String what, boolean torchLayout) {
        assertEquals(List.of("conv.weight", "conv.bias", "norm.gamma", "half", "steps", "ids", "bytes", "mask", "f64",
                "shared.a", "shared.b", "transposed", "empty"), new ArrayList<>(sd.keySet()), what);
        Tensor w = sd.get("conv.weight");
        assertEquals(DType.F32, w.dtype());
        assertArrayEquals(new int[] {2, 3, 1, 1}, w.shape());
        assertArrayEquals(new double[] {-1, -0.5, 0, 0.5, 1, 1.5}, values(w), what);
        assertArrayEquals(new double[] {0.25, -0.75}, values(sd.get("conv.bias")), what);
        assertEquals(DType.BF16, sd.get("norm.gamma").dtype());
        assertArrayEquals(new short[] {Half.floatToBf16(1.5f), Half.floatToBf16(-2f), Half.floatToBf16(0.125f), Half.floatToBf16(3f)},
                halfBits(sd.get("norm.gamma")), what);
        assertEquals(DType.F16, sd.get("half").dtype());
        assertArrayEquals(new short[] {Half.floatToF16(0.1f), Half.floatToF16(-65504f), Half.floatToF16(6e-8f)}, halfBits(sd.get("half")), what);
        Tensor steps = sd.get("steps");
        assertEquals(DType.I64, steps.dtype());
        assertEquals(0, steps.dim());
        assertArrayEquals(new long[] {(1L << 40) + 7}, steps.toLongArray(), what);
        assertEquals(DType.I32, sd.get("ids").dtype());
        assertArrayEquals(new long[] {-3, 0, Integer.MAX_VALUE}, sd.get("ids").toLongArray(), what);
        assertEquals(DType.U8, sd.get("bytes").dtype());
        assertArrayEquals(new double[] {0, 7, 255}, values(sd.get("bytes")), what);
        assertEquals(DType.BOOL, sd.get("mask").dtype());
        assertArrayEquals(new double[] {1, 0, 0, 1}, values(sd.get("mask")), what);
        assertArrayEquals(new double[] {1.0 / 3.0, -1e300}, values(sd.get("f64")), what);

        Tensor a = sd.get("shared.a"), b = sd.get("shared.b");
        if (torchLayout) {
            assertSame(a.storage(), b.storage(), what + ": a storage shared by two tensors is read once");
            assertEquals(7, a.storage().numel());
            assertEquals(3, b.offset());
        }
        assertArrayEquals(new double[] {10, 11, 12}, values(a), what);
        assertArrayEquals(new double[] {13, 14, 15, 16}, values(b), what);

        Tensor tr = sd.get("transposed");
        assertArrayEquals(new int[] {3, 2}, tr.shape());
        if (torchLayout) {
            assertArrayEquals(new int[] {1, 3}, tr.strides());
            assertFalse(tr.isContiguous());
        }
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, values(tr), what);
        assertArrayEquals(new int[] {0, 4}, sd.get("empty").shape());
    }

    @Test void stateDictsOfEveryProtocolAndByteOrder() {
        for (String f : List.of("state_dict_p2.pt", "state_dict_p4.pt", "state_dict_p5.pth", "state_dict_be.pt", "legacy.pth"))
            checkStateDict(TorchCheckpoint.stateDict(fixture(f)), f, true);
    }

    /** Pre-1.6 files may hold storage views: elements [4, 8) of a 10-element root; the tensor is view[1::2]. */
    @Test void legacyStorageViews() {
        Map<String, Tensor> sd = TorchCheckpoint.stateDict(fixture("legacy_view.pth"));
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, values(sd.get("whole")));
        assertArrayEquals(new double[] {5, 7}, values(sd.get("view")));
        assertSame(sd.get("whole").storage(), sd.get("view").storage());
    }

    @Test void legacyFileErrors() throws IOException {
        byte[] all = Files.readAllBytes(fixture("legacy.pth"));
        Path cut = dir.resolve("cut-legacy.pth");
        Files.write(cut, Arrays.copyOf(all, all.length - 5));
        assertFails(cut, "truncated legacy torch.save file");
        Path cutPickle = dir.resolve("cut-pickle.pth");
        Files.write(cutPickle, Arrays.copyOf(all, 200));
        assertFails(cutPickle, "legacy torch.save file: truncated pickle");
        Path notTorch = dir.resolve("plain.pkl");
        Files.write(notTorch, new byte[] {(byte) 0x80, 2, 'K', 1, '.'});
        assertFails(notTorch, "without the torch magic number");
    }

    @Test void lightningCheckpointTree() {
        Path f = fixture("lightning.ckpt");
        for (Path p : List.of(f, fixture("lightning_p4.ckpt"))) {
            Map<?, ?> top = assertInstanceOf(Map.class, TorchCheckpoint.load(p));
            assertEquals(3L, top.get("epoch"));
            assertEquals(120L, top.get("global_step"));
            assertEquals("2.1.0", top.get("pytorch-lightning_version"));
            Map<?, ?> opt = (Map<?, ?>) ((List<?>) top.get("optimizer_states")).get(0);
            Map<?, ?> st0 = (Map<?, ?>) ((Map<?, ?>) opt.get("state")).get(0L);
            assertArrayEquals(new double[] {0.1f, 0.2f, 0.3f, 0.4f}, values((Tensor) st0.get("exp_avg")));
            assertEquals(120.0, ((Tensor) st0.get("step")).item());
            Map<?, ?> group = (Map<?, ?>) ((List<?>) opt.get("param_groups")).get(0);
            assertEquals(List.of(0.5, 0.9), group.get("betas"));
            assertEquals(List.of(0L, 1L), group.get("params"));
            assertEquals(false, group.get("amsgrad"));
            Map<?, ?> cb = (Map<?, ?>) ((Map<?, ?>) top.get("callbacks")).get("ModelCheckpoint{'monitor': 'val/rec_loss', 'mode': 'min'}");
            assertEquals(0.0625, ((Tensor) cb.get("best_model_score")).item());
            assertEquals(Double.POSITIVE_INFINITY, cb.get("kth_value"));
            PyObject hp = assertInstanceOf(PyObject.class, top.get("hyper_parameters"));
            assertEquals("lightning.fabric.utilities.data.AttributeDict", hp.qualifiedName());
            assertEquals(1e-4, hp.items().get("lr"));
            assertEquals(16L, hp.items().get("embed_dim"));
            assertTrue(hp.items().containsKey("ckpt_path"));
            Map<?, ?> misc = (Map<?, ?>) top.get("misc");
            assertEquals(BigInteger.TWO.pow(70), misc.get("big"));
            assertEquals(Long.MIN_VALUE, misc.get("neg"));
            assertArrayEquals(new byte[] {0, 1, -1}, (byte[]) misc.get("blob"));
            assertEquals(Set.of("a"), misc.get("tags"));

            Map<String, Tensor> sd = TorchCheckpoint.stateDict(p);
            assertEquals(List.of("model.encoder.weight", "model.encoder.bias", "loss.logvar"), new ArrayList<>(sd.keySet()));
            assertArrayEquals(new double[] {1, 2, 3, 4}, values(sd.get("model.encoder.weight")));
        }
    }

    @Test void maliciousPicklesRunNothing() throws IOException {
        Path cwd = Path.of("").toAbsolutePath();
        Path m1 = cwd.resolve("ssvae-pwned-marker"), m2 = cwd.resolve("ssvae-pwned-marker-2");
        Files.deleteIfExists(m1);
        Files.deleteIfExists(m2);

        Map<?, ?> top = assertInstanceOf(Map.class, TorchCheckpoint.load(fixture("malicious.pt")));
        PyObject evil = assertInstanceOf(PyObject.class, top.get("evil1"));
        assertEquals("os.system", evil.qualifiedName());
        assertEquals(List.of("touch ssvae-pwned-marker"), evil.args());

        Path p4 = fixture("malicious_p4.pt");
        Map<?, ?> top4 = assertInstanceOf(Map.class, TorchCheckpoint.load(p4));
        PyObject exec = assertInstanceOf(PyObject.class, top4.get("payload"));
        assertEquals("builtins.exec", exec.qualifiedName());
        TensorFileException e = assertThrows(TensorFileException.class, () -> TorchCheckpoint.stateDict(p4));
        assertTrue(e.getMessage().contains("entry 'payload'") && e.getMessage().contains("builtins.exec"), e.getMessage());

        assertFalse(Files.exists(m1), "os.system must never run");
        assertFalse(Files.exists(m2), "builtins.exec must never run");
    }

    private void assertFails(Path p, String fragment) {
        TensorFileException e = assertThrows(TensorFileException.class, () -> TorchCheckpoint.stateDict(p));
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** Copies a zip, dropping or replacing entries. */
    private Path rewrite(Path src, String name, String drop, String replaceName, byte[] replacement) throws IOException {
        Path out = dir.resolve(name);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(src)); ZipOutputStream zo = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().equals(drop)) continue;
                byte[] data = e.getName().equals(replaceName) ? replacement : in.readAllBytes();
                zo.putNextEntry(new ZipEntry(e.getName()));
                zo.write(data);
                zo.closeEntry();
            }
        }
        return out;
    }

    @Test void badFilesGiveOneLineErrors() throws IOException {
        Path good = fixture("state_dict_p2.pt");
        byte[] all = Files.readAllBytes(good);

        Path cut = dir.resolve("cut.pt");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        assertFails(cut, "corrupt zip archive");

        assertFails(rewrite(good, "nopkl.pt", "archive/data.pkl", null, null), "missing data.pkl");
        assertFails(fixture("missing_storage.pt"), "missing storage record data/3");

        byte[] pkl;
        try (var z = new java.util.zip.ZipFile(good.toFile())) {
            pkl = z.getInputStream(z.getEntry("archive/data.pkl")).readAllBytes();
        }
        assertFails(rewrite(good, "cutpkl.pt", null, "archive/data.pkl", Arrays.copyOf(pkl, pkl.length - 40)), "data.pkl: ");
        assertFails(rewrite(good, "shortstorage.pt", null, "archive/data/0", new byte[8]), "storage record data/0 holds 8 bytes");

        byte[] tar = new byte[600];
        System.arraycopy("ustar".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, tar, 257, 5);
        Path tarFile = dir.resolve("old.tar.pt");
        Files.write(tarFile, tar);
        assertFails(tarFile, "tar-format");
        Path text = dir.resolve("text.pt");
        Files.writeString(text, "hello");
        assertFails(text, "not a PyTorch checkpoint");
        Path empty = dir.resolve("empty.pt");
        Files.write(empty, new byte[0]);
        assertFails(empty, "empty file");
        assertFails(dir.resolve("nope.pt"), "no such file");

        // not a state dict: a list at the top
        Path list = dir.resolve("list.pt");
        try (OutputStream os = Files.newOutputStream(list); ZipOutputStream zo = new ZipOutputStream(os)) {
            zo.putNextEntry(new ZipEntry("list/data.pkl"));
            zo.write(new byte[] {(byte) 0x80, 2, ']', 'K', 1, 'a', '.'});
            zo.closeEntry();
        }
        assertEquals(List.of(1L), TorchCheckpoint.load(list));
        assertFails(list, "not a dict");
    }

    /** A checkpoint converted to safetensors keeps every value, shared and strided views included. */
    @Test void checkpointToSafetensors() {
        Map<String, Tensor> sd = TorchCheckpoint.stateDict(fixture("state_dict_p4.pt"));
        Path out = dir.resolve("sd.safetensors");
        SafetensorsWriter.write(out, sd);
        checkStateDict(SafetensorsReader.read(out), "safetensors copy", false);
    }
}
