package ssvae.vae.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.vae.video.SharedData;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ShardReaderTest {
    @TempDir Path tmp;

    static Path videoShard() { return SharedData.root().resolve("webdataset/video/test.tar"); }
    static Path imageShard() { return SharedData.root().resolve("webdataset/image/test.tar"); }

    @Test void sharedVideoShardGroupsEntriesAndJoinsMeta() {
        List<Sample> s = ShardReader.readAll(videoShard());
        assertEquals(10, s.size());
        for (Sample x : s) {
            assertEquals(java.util.Set.of("id", "mp4"), x.files().keySet(), x.key());
            assertNotNull(x.meta(), "meta line for " + x.key());
            assertEquals(x.key(), x.meta().get("key").asText());
            assertEquals(29.97, x.metaNumber("fps"), 1e-9);
            assertTrue(x.metaNumber("duration") > 2);
        }
        assertEquals("358b5d6e8c67ec78363d5747b6f389ea", s.get(0).key());  // first member of the tar
        assertEquals(153456, s.get(0).file("mp4").length);                  // tar tv: 153456 bytes
    }

    @Test void sharedImageShardHasJpgCaptionAndId() {
        List<Sample> s = ShardReader.readAll(imageShard());
        assertEquals(20, s.size());
        for (Sample x : s) assertEquals(java.util.Set.of("id", "jpg", "txt"), x.files().keySet(), x.key());
        assertEquals(54514, s.stream().filter(x -> x.key().equals("0000000145")).findFirst().orElseThrow().file("jpg").length);
    }

    @Test void groupsByNameBeforeTheFirstDotIncludingFolders() throws Exception {
        Path tar = new TarBuilder().add("a/x1.mp4", "m").add("a/x1.seg.json", "{}").add("a/x1.ID", "1")
                .add("b/x1.mp4", "n").add("noext", "skipped").add("y.txt", "hi").write(tmp.resolve("t.tar"));
        TarBuilder.meta(tar, "{\"key\": \"x1\", \"duration\": 2.5}", "", "{\"key\": \"y\"}");
        List<Sample> s = ShardReader.readAll(tar);
        assertEquals(List.of("a/x1", "b/x1", "y"), s.stream().map(Sample::key).toList());
        assertEquals(List.of("mp4", "seg.json", "id"), List.copyOf(s.get(0).files().keySet()));
        assertEquals(2.5, s.get(0).metaNumber("duration"));  // joined on the name without folders
        assertNull(s.get(2).metaNumber("duration"));
    }

    @Test void textFileIsNotATar() throws Exception {
        Path p = Files.writeString(tmp.resolve("notes.tar"), "hello, not a tar\n".repeat(100));
        assertEquals(p + ": not a tar archive", assertThrows(DataException.class, () -> new ShardReader(p)).getMessage());
        Path e = Files.createFile(tmp.resolve("empty.tar"));
        assertEquals(e + ": empty file, not a tar archive", assertThrows(DataException.class, () -> new ShardReader(e)).getMessage());
        Path missing = tmp.resolve("missing.tar");
        assertEquals(missing + ": no such shard", assertThrows(DataException.class, () -> new ShardReader(missing)).getMessage());
    }

    @Test void truncatedTarFailsWithOneLineAfterTheGoodSamples() throws Exception {
        byte[] all = Files.readAllBytes(videoShard());
        Path cut = Files.write(tmp.resolve("test.tar"), Arrays.copyOf(all, all.length / 2));
        int good = 0;
        try (ShardReader r = new ShardReader(cut)) {
            DataException e = assertThrows(DataException.class, () -> { while (r.hasNext()) r.next(); });
            assertTrue(e.getMessage().startsWith(cut + ": truncated"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
        try (ShardReader r = new ShardReader(cut)) {
            try { while (r.hasNext()) { r.next(); good++; } } catch (DataException expected) { /* counted the good ones */ }
        }
        assertTrue(good >= 2 && good < 10, "samples before the cut: " + good);
    }

    @Test void metaLineThatNamesNoSampleIsOneLineNamingFileAndLine() throws Exception {
        Path tar = new TarBuilder().add("k.mp4", "x").write(tmp.resolve("s.tar"));
        Path meta = TarBuilder.meta(tar, "{\"key\": \"k\", \"fps\": 8}", "{\"duration\": 3.0}");
        DataException e = assertThrows(DataException.class, () -> new ShardReader(tar));
        assertEquals(meta + ": line 2: names no sample (needs a JSON object with a \"key\" field)", e.getMessage());
        TarBuilder.meta(tar, "[1, 2]");
        assertTrue(assertThrows(DataException.class, () -> new ShardReader(tar)).getMessage().endsWith("line 1: names no sample (needs a JSON object with a \"key\" field)"));
        TarBuilder.meta(tar, "{\"key\": \"k\"", "");
        assertTrue(assertThrows(DataException.class, () -> new ShardReader(tar)).getMessage().startsWith(meta + ": line 1: not JSON"));
    }

    @Test void metaFileIsNamedAfterTheTarUpToTheFirstDot() throws Exception {
        assertEquals(tmp.resolve("shard.000.meta.jsonl"), ShardReader.metaPath(tmp.resolve("shard.000.tar")));
        Files.writeString(tmp.resolve("shard.meta.jsonl"), "");
        assertEquals(tmp.resolve("shard.meta.jsonl"), ShardReader.metaPath(tmp.resolve("shard.000.tar")));  // sat's rule
    }
}
