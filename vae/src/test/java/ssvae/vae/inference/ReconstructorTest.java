package ssvae.vae.inference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;
import ssvae.vae.config.ConfigFile;
import ssvae.vae.model.VideoAutoencoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class ReconstructorTest {
    @TempDir Path dir;

    static Path config(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("configs").resolve(name);
            if (Files.isRegularFile(c)) return c;
        }
        throw new IllegalStateException("configs/" + name + " not found");
    }

    static VideoAutoencoder tiny() {
        VideoAutoencoder m = ConfigFile.read(config("tiny_inference.yaml")).build();
        m.allocate(DType.F32, Device.CPU, new Generator(11));
        m.train(false);
        return m;
    }

    @Test
    void plansFollowTheChunkLength() {
        VideoAutoencoder m = tiny();
        Reconstructor r = new Reconstructor(m, 4);
        Reconstructor.Plan p = r.plan(5);
        assertArrayEquals(new int[] {5}, p.encoder());
        assertArrayEquals(new int[] {2}, p.decoder());
        assertFalse(p.chunked());
        p = r.plan(13);
        assertArrayEquals(new int[] {1, 4, 4, 4}, p.encoder());
        assertArrayEquals(new int[] {1, 1, 1, 1}, p.decoder());
        assertEquals(8, p.steps());
        assertArrayEquals(new int[] {17}, new Reconstructor(m, Reconstructor.DEFAULT_CHUNK_FRAMES).plan(17).encoder());
        assertArrayEquals(new int[] {1, 16, 4}, new Reconstructor(m, Reconstructor.DEFAULT_CHUNK_FRAMES).plan(21).encoder());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.plan(6));
        assertTrue(e.getMessage().contains("6 frames") && e.getMessage().contains("1 + 4k"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Reconstructor(m, 0));
    }

    /** The chunked path equals the one-pass encode/normalise/denormalise/decode of the model. */
    @Test
    void chunkedEqualsOnePassAndReportsProgress() {
        VideoAutoencoder m = tiny();
        Tensor x = Tensor.rand(new Generator(5), 1, 3, 13, 16, 12).mul(2).sub(1);
        Tensor expect;
        try (var g = GradMode.noGrad()) {
            expect = m.decode(m.denormalise(m.latentFromMoments(m.encodeMoments(x)))).contiguous();
        }
        List<String> steps = new ArrayList<>();
        Tensor one = new Reconstructor(m, 16).reconstruct(x, (ph, d, t) -> steps.add(ph + d + "/" + t));
        assertEquals(List.of("encode1/2", "decode2/2"), steps);
        assertTrue(maxDiff(expect, one) < 1e-5, "one pass differs from the model's own path by " + maxDiff(expect, one));

        steps.clear();
        Tensor chunked = new Reconstructor(m, 4).reconstruct(x, (ph, d, t) -> steps.add(ph + d + "/" + t));
        assertEquals(List.of("encode1/8", "encode2/8", "encode3/8", "encode4/8", "decode5/8", "decode6/8", "decode7/8", "decode8/8"), steps);
        assertArrayEquals(new int[] {1, 3, 13, 16, 12}, chunked.shape());
        assertTrue(maxDiff(expect, chunked) < 1e-4, "chunked differs from one pass by " + maxDiff(expect, chunked));
    }

    /** Largest absolute difference (identical passes may differ by float summation order, about 1e-6). */
    static double maxDiff(Tensor x, Tensor y) {
        float[] a = x.toFloatArray(), b = y.toFloatArray();
        assertEquals(a.length, b.length);
        double d = 0;
        for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
        return d;
    }

    @Test
    void rejectsBadClips() {
        Reconstructor r = new Reconstructor(tiny(), 16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.reconstruct(Tensor.zeros(1, 3, 5, 18, 16), null));
        assertTrue(e.getMessage().contains("multiples of 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> r.reconstruct(Tensor.zeros(1, 1, 5, 16, 16), null));
        assertTrue(e.getMessage().contains("[B, 3, T, H, W]"), e.getMessage());
    }

    @Test
    void framesQuantiseAsSaveVideoAndSitSideBySide() {
        // [3, T=1, H=1, W=2]: r g b planes
        float[] clip = {-1f, 1f, 0f, 2f, -0.5f, Float.NaN};
        List<byte[]> f = Frames.rgb(clip, 1, 1, 2);
        assertArrayEquals(new byte[] {0, (byte) 127, 63, (byte) 255, (byte) 255, 0}, f.get(0));
        List<byte[]> a = List.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});   // 2x2
        List<byte[]> b = List.of(new byte[] {21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 21, 22, 23, 24, 25, 26, 7, 8, 9, 10, 11, 12, 27, 28, 29, 30, 31, 32},
                Frames.sideBySide(a, b, 2, 2).get(0));
        assertThrows(IllegalArgumentException.class, () -> Frames.rgb(clip, 2, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> Frames.sideBySide(a, List.of(), 2, 2));
    }

    @Test
    void outputGroupCommitsAllOrNothing() throws IOException {
        Path a = dir.resolve("a.mp4"), b = dir.resolve("b.mp4");
        Files.writeString(b, "old");
        try (OutputGroup g = new OutputGroup()) {
            Files.writeString(g.stage(a), "A");
            Files.writeString(g.stage(b), "B");
            assertFalse(Files.exists(a));
            assertEquals(List.of(a.toAbsolutePath(), b.toAbsolutePath()), g.commit());
        }
        assertEquals("A", Files.readString(a));
        assertEquals("B", Files.readString(b));
        assertEquals(2, count());

        Path c = dir.resolve("c.mp4");
        try (OutputGroup g = new OutputGroup()) {
            Files.writeString(g.stage(c), "C");
            g.stage(dir.resolve("d.mp4"));   // never written: the commit must fail and write nothing
            assertThrows(IOException.class, g::commit);
        }
        assertFalse(Files.exists(c));
        assertEquals(2, count(), "temporary files are removed");
    }

    private long count() throws IOException {
        try (Stream<Path> s = Files.list(dir)) { return s.count(); }
    }

    @Test
    void defaultModelNamesOneFolder() {
        assertEquals(Path.of(DefaultModel.DIR, DefaultModel.CONFIG_FILE), DefaultModel.configName());
        assertEquals(Path.of(DefaultModel.DIR, DefaultModel.CHECKPOINT_FILE), DefaultModel.checkpointName());
        assertEquals(Path.of("").toAbsolutePath(), DefaultModel.roots().get(0));
    }
}
