package ssvae.vae.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.tensor.Tensor;
import ssvae.vae.video.RgbClip;
import ssvae.vae.video.SharedData;
import ssvae.vae.video.VideoReader;
import ssvae.vae.video.VideoWriter;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ClipLoaderTest {
    @TempDir Path tmp;

    @Test void numpyLinspaceIndicesMatchNumpy() {
        // python3: list(np.linspace(0, t-1, num=n, dtype=int))
        assertArrayEquals(new int[] {0, 5, 11, 16, 22, 28, 33, 39, 45, 50, 56, 61, 67, 73, 78, 84, 90}, ClipLoader.numpyLinspaceInt(91, 17));
        assertArrayEquals(new int[] {0, 15, 30, 46, 61, 76, 92, 107, 123, 138, 153, 169, 184, 199, 215, 230, 246}, ClipLoader.numpyLinspaceInt(247, 17));
        assertArrayEquals(new int[] {0, 12, 24, 37, 49, 61, 74, 86, 99}, ClipLoader.numpyLinspaceInt(100, 9));
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4}, ClipLoader.numpyLinspaceInt(5, 17));
        assertArrayEquals(new int[] {0, 15, 31, 47, 63}, ClipLoader.numpyLinspaceInt(64, 5));
    }

    @Test void uniformTemporalSubsampleIndices() {
        assertArrayEquals(new int[] {0, 15, 31, 47, 63}, ClipLoader.torchLinspaceLong(64, 5));
        int[] same = ClipLoader.torchLinspaceLong(17, 17);
        for (int i = 0; i < 17; i++) assertEquals(i, same[i]);
        assertArrayEquals(new int[] {0, 0, 1, 1, 2}, ClipLoader.torchLinspaceLong(3, 5));
    }

    @Test void frameCountsRoundToOnePlusFourK() {
        assertEquals(17, FrameCounts.round4kPlus1(17));
        assertEquals(1, FrameCounts.round4kPlus1(1));
        assertEquals(17, FrameCounts.round4kPlus1(16));
        assertEquals(17, FrameCounts.round4kPlus1(18));
        assertEquals(21, FrameCounts.round4kPlus1(19));  // tie between 17 and 21 goes up
        assertEquals(1, FrameCounts.round4kPlus1(2));
        assertThrows(IllegalArgumentException.class, () -> FrameCounts.round4kPlus1(0));
    }

    @Test void reconstructionClipIsTheTwoByTwoMeanOfTheChosenFrames() {
        Path p = SharedData.video("0001.mp4");
        RgbClip raw = VideoReader.readAll(p);
        Clip c = ClipLoader.reconstructionClip(p, 9, 256);
        assertEquals(9, c.frames());
        Tensor t = c.tensor();
        assertArrayEquals(new int[] {3, 9, 256, 256}, t.shape());
        int[] idx = {0, 2, 4, 6, 8, 10, 12, 14, 16};  // np.linspace(0, 16, 9, dtype=int)
        // 512 -> 256 bilinear (align_corners=False) averages each 2x2 block; then / 127.5 - 1
        for (int i = 0; i < 9; i++) {
            byte[] f = raw.frame(idx[i]);
            for (int[] yx : new int[][] {{0, 0}, {100, 37}, {255, 255}, {128, 3}}) {
                for (int ch = 0; ch < 3; ch++) {
                    int y = yx[0], x = yx[1];
                    double sum = 0;
                    for (int dy = 0; dy < 2; dy++) for (int dx = 0; dx < 2; dx++) sum += f[3 * ((2 * y + dy) * 512 + 2 * x + dx) + ch] & 0xFF;
                    double want = sum / 4 / 127.5 - 1;
                    assertEquals(want, c.data()[((ch * 9 + i) * 256 + y) * 256 + x], 1e-5, "frame " + i + " ch " + ch + " at " + y + "," + x);
                }
            }
        }
    }

    @Test void reconstructionClipFromBytesRoundsTheFrameCount() throws Exception {
        Path p = SharedData.video("0002.mp4");
        Clip a = ClipLoader.reconstructionClip(Files.readAllBytes(p), "0002", 10, 64);  // 10 -> 9 with a warning
        Clip b = ClipLoader.reconstructionClip(p, 9, 64);
        assertEquals(9, a.frames());
        assertArrayEquals(b.data(), a.data());
        for (float v : a.data()) assertTrue(v >= -1 && v <= 1);
    }

    /** A 30 fps video whose frame i is a flat grey of level 4 * i + 8, so decoded levels name the frames. */
    private Path countingVideo(int frames) {
        List<byte[]> f = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            byte[] b = new byte[64 * 48 * 3];
            Arrays.fill(b, (byte) (4 * i + 8));
            f.add(b);
        }
        Path p = tmp.resolve("count.mp4");
        VideoWriter.write(p, f, 64, 48, 30);
        return p;
    }

    @Test void trainingVideoTakesTheOfficialWindowAndSubsample() throws Exception {
        byte[] video = Files.readAllBytes(countingVideo(60));  // 2 s at 30 fps
        for (long seed : new long[] {1, 2, 3}) {
            // independent expectation: start = uniform(0, 2 - 5/8); frames with t in [start, start + 5/8], minus the last,
            // then linspace(0, n-1, 5) truncated
            double start = new Random(seed).nextDouble() * (2.0 - 5 / 8.0), end = start + 5 / 8.0;
            List<Integer> window = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                long us = Math.round(i * 1e6 / 30);
                if (us >= Math.round(start * 1e6) - 1 && us <= Math.ceil(end * 1e6)) window.add(i);
            }
            window.removeLast();
            int n = window.size();
            Clip c = ClipLoader.trainingVideo(video, "count", 2.0, 8, 5, 32, 32, new Random(seed));
            assertEquals(5, c.frames());
            for (int k = 0; k < 5; k++) {
                int want = window.get((int) ((float) k * (n - 1) / 4));
                float v = c.data()[(k * 32 + 16) * 32 + 16] * 127.5f + 127.5f;  // red channel, centre pixel
                assertEquals(4 * want + 8, v, 1.5, "seed " + seed + " frame " + k);
            }
        }
    }

    @Test void reconstructionClipOfAShortVideoRepeatsFramesAsNumpyLinspace() {
        Path p = countingVideo(5);
        Clip c = ClipLoader.reconstructionClip(p, 17, 16);
        int[] want = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4};  // np.linspace(0, 4, 17, dtype=int)
        for (int k = 0; k < 17; k++) {
            float v = (c.data()[(k * 16 + 8) * 16 + 8] + 1) * 127.5f;
            assertEquals(4 * want[k] + 8, v, 1.5, "frame " + k);
        }
    }

    @Test void reconstructionClipOfATruncatedVideoIsOneLine() throws Exception {
        byte[] all = Files.readAllBytes(countingVideo(30));
        Path cut = Files.write(tmp.resolve("cut.mp4"), Arrays.copyOf(all, all.length * 7 / 10));
        DataException e = assertThrows(DataException.class, () -> ClipLoader.reconstructionClip(cut, 17, 16));
        assertTrue(e.getMessage().startsWith(cut + ": truncated or corrupt video: decoded "), e.getMessage());
    }

    @Test void trainingVideoOnSharedShardSamples() {
        List<Sample> s = ShardReader.readAll(ShardReaderTest.videoShard());
        Sample x = s.get(0);
        Clip a = ClipLoader.trainingVideo(x.file("mp4"), x.key(), x.metaNumber("duration"), 8, 17, 256, 256, new Random(4));
        Clip b = ClipLoader.trainingVideo(x.file("mp4"), x.key(), x.metaNumber("duration"), 8, 17, 256, 256, new Random(4));
        assertArrayEquals(new int[] {3, 17, 256, 256}, a.tensor().shape());
        assertArrayEquals(a.data(), b.data(), "same seed, same clip");
        for (float v : a.data()) assertTrue(v >= -1 && v <= 1);
        // 534x300 -> resized to 455x256 (official int() truncation), centre crop 256x256
        ClipLoader.RectCrop rc = ClipLoader.rectCrop(300, 534, 256, 256);
        assertEquals(new ClipLoader.RectCrop(256, 455, 0, 199), rc);
    }

    @Test void unusableVideosAreSkipsWithReasons() throws Exception {
        Sample x = ShardReader.readAll(ShardReaderTest.videoShard()).get(0);
        SkipException shortOne = assertThrows(SkipException.class, () -> ClipLoader.trainingVideo(x.file("mp4"), "k", 1.0, 8, 17, 64, 64, new Random(1)));
        assertEquals(SkipException.Reason.TOO_SHORT, shortOne.reason());
        SkipException small = assertThrows(SkipException.class, () -> ClipLoader.trainingVideo(x.file("mp4"), "k", 3.0, 8, 17, 512, 512, new Random(1)));
        assertEquals(SkipException.Reason.TOO_SMALL, small.reason());
        byte[] cut = Arrays.copyOf(x.file("mp4"), 2000);
        SkipException corrupt = assertThrows(SkipException.class, () -> ClipLoader.trainingVideo(cut, "k", 3.0, 8, 17, 64, 64, new Random(1)));
        assertEquals(SkipException.Reason.CORRUPT, corrupt.reason());
        assertTrue(corrupt.getMessage().startsWith("k: "), corrupt.getMessage());
    }

    static byte[] png(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 77);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test void trainingImagesAreOneFrameClipsOfLandscapeImages() throws Exception {
        Clip c = ClipLoader.trainingImage(png(80, 40), "wide", 32, 32, new Random(1));
        assertArrayEquals(new int[] {3, 1, 32, 32}, c.tensor().shape());
        // blue is the constant 77 everywhere: ToTensor, resize (weights sum to 1), * 2 - 1
        for (int i = 0; i < 32 * 32; i++) assertEquals(77 / 255f * 2 - 1, c.data()[2 * 32 * 32 + i], 1e-5);
        assertEquals(SkipException.Reason.PORTRAIT, assertThrows(SkipException.class, () -> ClipLoader.trainingImage(png(40, 80), "tall", 32, 32, new Random(1))).reason());
        assertEquals(SkipException.Reason.TOO_SMALL, assertThrows(SkipException.class, () -> ClipLoader.trainingImage(png(40, 20), "tiny", 32, 32, new Random(1))).reason());
        assertEquals(SkipException.Reason.CORRUPT, assertThrows(SkipException.class, () -> ClipLoader.trainingImage("nope".getBytes(), "txt", 32, 32, new Random(1))).reason());
    }

    @Test void sharedJpegsLoad() {
        Sample x = ShardReader.readAll(ShardReaderTest.imageShard()).stream().filter(s -> s.key().equals("0000005147")).findFirst().orElseThrow();
        Clip c = ClipLoader.trainingImage(x.file("jpg"), x.key(), 256, 256, new Random(2));  // 960x538 landscape
        assertEquals(1, c.frames());
        double mean = 0;
        for (float v : c.data()) { assertTrue(v >= -1.25 && v <= 1.25, "bicubic overshoots a little near edges (no clamp, as official): " + v); mean += v; }
        assertTrue(Math.abs(mean / c.data().length) < 0.9);
    }
}
