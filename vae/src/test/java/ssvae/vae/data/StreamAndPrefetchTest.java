package ssvae.vae.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class StreamAndPrefetchTest {
    @TempDir Path tmp;

    private Path shard(String name, int n) throws Exception {
        TarBuilder b = new TarBuilder();
        for (int i = 0; i < n; i++) b.add(name + "-" + i + ".txt", "sample " + i);
        return b.write(tmp.resolve(name + ".tar"));
    }

    private static List<String> keys(SampleStream s, int n) {
        List<String> out = new ArrayList<>();
        while (out.size() < n && s.hasNext()) out.add(s.next().key());
        return out;
    }

    @Test void onePassWithoutShufflingKeepsTarOrder() throws Exception {
        Path a = shard("a", 3), b = shard("b", 2);
        SampleStream s = new SampleStream(List.of(a, b), false, 0, 1, new SkipStats(null));
        assertEquals(List.of("a-0", "a-1", "a-2", "b-0", "b-1"), keys(s, 100));
        assertFalse(s.hasNext());
    }

    @Test void seededShuffleIsAReproduciblePermutation() throws Exception {
        Path a = shard("a", 30);
        List<String> one = keys(new SampleStream(List.of(a), false, 7, 10, new SkipStats(null)), 100);
        List<String> two = keys(new SampleStream(List.of(a), false, 7, 10, new SkipStats(null)), 100);
        List<String> other = keys(new SampleStream(List.of(a), false, 8, 10, new SkipStats(null)), 100);
        assertEquals(one, two);
        assertNotEquals(one, other);
        assertEquals(30, new HashSet<>(one).size());
        assertNotEquals(keys(new SampleStream(List.of(a), false, 7, 1, new SkipStats(null)), 100), one, "shuffled");
    }

    @Test void resampledShardsStreamForeverAndDrawAllShards() throws Exception {
        Path a = shard("a", 2), b = shard("b", 2), c = shard("c", 2);
        List<String> k = keys(new SampleStream(List.of(a, b, c), true, 3, 4, new SkipStats(null)), 200);
        assertEquals(200, k.size());
        assertTrue(k.stream().anyMatch(x -> x.startsWith("a")) && k.stream().anyMatch(x -> x.startsWith("b")) && k.stream().anyMatch(x -> x.startsWith("c")));
    }

    @Test void badShardsAreSkippedCountedAndNamed() throws Exception {
        Path good = shard("good", 2);
        Path text = Files.writeString(tmp.resolve("text.tar"), "x".repeat(2000));
        byte[] full = Files.readAllBytes(shard("cut", 40));
        // each entry is a 512-byte header and one 512-byte data record: cut inside the sixth entry's data
        Path cut = Files.write(tmp.resolve("cut.tar"), Arrays.copyOf(full, 5 * 1024 + 512 + 100));
        ByteArrayOutputStream warn = new ByteArrayOutputStream();
        SkipStats stats = new SkipStats(new PrintStream(warn, true, StandardCharsets.UTF_8));
        List<String> k = keys(new SampleStream(List.of(text, cut, good), false, 0, 1, stats), 100);
        assertEquals(List.of("cut-0", "cut-1", "cut-2", "cut-3", "cut-4", "good-0", "good-1"), k);
        assertEquals(2, stats.count(SkipException.Reason.BAD_SHARD));
        String w = warn.toString(StandardCharsets.UTF_8);
        assertTrue(w.contains("warning: skipped " + text + ": not a tar archive"), w);
        assertTrue(w.contains("warning: skipped " + cut + ": truncated"), w);
        assertEquals(2, w.lines().count());
    }

    @Test void resampledStreamOfOnlyBadShardsStopsWithOneLine() throws Exception {
        Path text = Files.writeString(tmp.resolve("bad.tar"), "x".repeat(2000));
        SampleStream s = new SampleStream(List.of(text), true, 0, 1, new SkipStats(null));
        DataException e = assertThrows(DataException.class, s::hasNext);
        assertTrue(e.getMessage().startsWith("no usable samples"), e.getMessage());
    }

    @Test void prefetchIsOrderedDeterministicForAnyWorkerCountAndCountsSkips() throws Exception {
        Path a = shard("p", 25);
        for (int workers : new int[] {1, 3}) {
            SkipStats stats = new SkipStats(null);
            List<String> got = new ArrayList<>();
            try (Prefetcher<String> p = new Prefetcher<>(new SampleStream(List.of(a), false, 1, 5, stats), (s, rng) -> {
                if (s.key().endsWith("-3")) throw new SkipException(SkipException.Reason.CORRUPT, "bad one");
                if (s.key().endsWith("-4")) throw new IllegalStateException("odd failure");
                return s.key() + ":" + rng.nextInt(1000);
            }, 9, workers, 4, stats)) {
                while (p.hasNext()) got.add(p.next());
            }
            assertEquals(23, got.size());
            assertEquals(2, stats.total());
            assertEquals(2, stats.count(SkipException.Reason.CORRUPT));
            assertEquals("skipped 2 samples (corrupt 2)", stats.summary());
            if (workers == 3) assertEquals(lastRun, got, "same output with 1 and 3 workers");
            lastRun = got;
        }
    }

    private List<String> lastRun;

    @Test void sourceFailureReachesTheConsumer() throws Exception {
        Path text = Files.writeString(tmp.resolve("bad.tar"), "x".repeat(2000));
        try (Prefetcher<String> p = new Prefetcher<>(new SampleStream(List.of(text), true, 0, 1, new SkipStats(null)),
                (s, rng) -> s.key(), 0, 2, 2, new SkipStats(null))) {
            assertThrows(DataException.class, p::hasNext);
        }
    }

    @Test void videoAndImageDatasetsOnSharedShards() {
        SkipStats stats = new SkipStats(null);
        WebDatasetOptions vo = WebDatasetOptions.video(";" + ShardReaderTest.videoShard().getParent(), 64, 64, 0)
                .withNumFrames(5).withResampled(false).withShuffle(3);
        List<Clip> clips = new ArrayList<>();
        try (Prefetcher<Clip> p = WebDatasets.videos(vo, stats)) { p.forEachRemaining(clips::add); }
        assertEquals(10, clips.size());
        assertEquals(0, stats.total());
        assertArrayEquals(new int[] {10, 3, 5, 64, 64}, Clip.batch(clips).shape());
        WebDatasetOptions io = WebDatasetOptions.image(ShardReaderTest.imageShard().toString(), 256, 256, 0).withResampled(false);
        int images = 0;
        try (Prefetcher<Clip> p = WebDatasets.images(io, stats)) { while (p.hasNext()) { assertEquals(1, p.next().frames()); images++; } }
        // 20 samples: 6 portrait and 2 smaller than 256 (ffprobe/meta sizes), as process_fn_image drops them
        assertEquals(12, images);
        assertEquals(6, stats.count(SkipException.Reason.PORTRAIT));
        assertEquals(2, stats.count(SkipException.Reason.TOO_SMALL));
    }

    @Test void samplesWithoutMetaOrMediaAreSkipped() throws Exception {
        Path tar = new TarBuilder().add("a.mp4", "not really a video").add("a.id", "1").add("b.id", "2")
                .add("c.mp4", "zz").write(tmp.resolve("v.tar"));
        TarBuilder.meta(tar, "{\"key\": \"a\", \"duration\": 5, \"fps\": 30}", "{\"key\": \"b\", \"duration\": 5, \"fps\": 30}");
        ByteArrayOutputStream warn = new ByteArrayOutputStream();
        SkipStats stats = new SkipStats(new PrintStream(warn, true, StandardCharsets.UTF_8));
        WebDatasetOptions o = WebDatasetOptions.video(tar.toString(), 16, 16, 0).withResampled(false).withShuffle(1);
        try (Prefetcher<Clip> p = WebDatasets.videos(o, stats)) { assertFalse(p.hasNext()); }
        List<String> lines = warn.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("warning: skipped " + tar + " a: not a readable video ("), lines.get(0));
        assertEquals("warning: skipped " + tar + " b: no .mp4 or .avi entry", lines.get(1));
        assertEquals("warning: skipped " + tar + " c: no duration in the meta file or a .json entry", lines.get(2));
        assertEquals("skipped 3 samples (corrupt 1, no_meta 1, no_media 1)", stats.summary());
        assertEquals(1, stats.count(SkipException.Reason.CORRUPT));   // a: bytes are not a video
        assertEquals(1, stats.count(SkipException.Reason.NO_MEDIA));  // b: only an id
        assertEquals(1, stats.count(SkipException.Reason.NO_META));   // c: no meta line
    }

    @Test void imageVideoSamplerFollowsTheWeightsAndBatchSizes() {
        SyntheticVideos images = new SyntheticVideos(1, 1, 16, 16), videos = new SyntheticVideos(2, 5, 16, 16);
        int nImage = 0, steps = 400;
        try (ImageVideoSampler s = new ImageVideoSampler(images, videos, 6, 1, new double[] {1, 7}, 3)) {
            for (int i = 0; i < steps; i++) {
                Batch b = s.next();
                if (b.image()) { nImage++; assertArrayEquals(new int[] {6, 3, 1, 16, 16}, b.x().shape()); }
                else assertArrayEquals(new int[] {1, 3, 5, 16, 16}, b.x().shape());
            }
        }
        // P(image) = 1/8: 50 expected of 400, binomial sd 6.6
        assertTrue(nImage > 25 && nImage < 75, "image steps " + nImage);
        Random r = new Random(3);
        int expect = 0;
        for (int i = 0; i < steps; i++) if (r.nextDouble() < 1.0 / 8) expect++;
        assertEquals(expect, nImage, "seeded choice sequence");
        assertThrows(IllegalArgumentException.class, () -> new ImageVideoSampler(images, videos, 1, 1, new double[] {0, 0}, 0));
    }
}
