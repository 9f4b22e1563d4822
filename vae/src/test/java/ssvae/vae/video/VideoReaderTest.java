package ssvae.vae.video;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.vae.data.DataException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class VideoReaderTest {
    @TempDir Path tmp;

    @Test void decodesSharedVideoWithExactTimestamps() {
        RgbClip c = VideoReader.readAll(SharedData.video("0001.mp4"));
        assertEquals(17, c.frameCount());  // ffprobe: 17 frames, 512x512, 16 fps
        assertEquals(512, c.width());
        assertEquals(512, c.height());
        assertEquals(16.0, c.fps(), 1e-9);
        for (int i = 0; i < 17; i++) {
            assertEquals(512 * 512 * 3, c.frame(i).length);
            assertEquals(i * 62_500L, c.timestampsUs()[i]);
        }
        assertFalse(Arrays.equals(c.frame(0), c.frame(16)), "frames differ over time");
    }

    @Test void bytesInMemoryDecodeLikeTheFile() throws Exception {
        Path p = SharedData.video("0002.mp4");
        RgbClip a = VideoReader.readAll(p);
        RgbClip b = VideoReader.readAll(Files.readAllBytes(p), "0002.mp4 (memory)");
        assertEquals(a.frameCount(), b.frameCount());
        for (int i = 0; i < a.frameCount(); i++) assertArrayEquals(a.frame(i), b.frame(i), "frame " + i);
    }

    @Test void seekLandsOnTheExactFrame() throws Exception {
        Path p = SharedData.video("0003.mp4");
        RgbClip all = VideoReader.readAll(p);
        byte[] bytes = Files.readAllBytes(p);
        for (boolean memory : new boolean[] {false, true}) {
            try (VideoReader r = memory ? VideoReader.open(bytes, "mem") : VideoReader.open(p)) {
                byte[] f = new byte[r.frameBytes()];
                for (int k : new int[] {11, 2, 16, 0, 7}) {
                    r.seek(all.timestampsUs()[k] / 1e6);
                    assertTrue(r.next(f));
                    assertEquals(all.timestampsUs()[k], r.lastTimestampUs());
                    assertArrayEquals(all.frame(k), f, "seek to frame " + k);
                }
                // between frames 4 (0.25 s) and 5 (0.3125 s): the first frame at or after the time
                r.seek(0.27);
                assertTrue(r.next(f));
                assertEquals(all.timestampsUs()[5], r.lastTimestampUs());
                assertArrayEquals(all.frame(5), f);
            }
        }
    }

    @Test void missingFileIsOneLineNamingIt() {
        Path p = tmp.resolve("nope.mp4");
        DataException e = assertThrows(DataException.class, () -> VideoReader.open(p));
        assertEquals(p + ": no such file", e.getMessage());
    }

    @Test void textFileNamedMp4IsRejected() throws Exception {
        Path p = tmp.resolve("notes.mp4");
        Files.writeString(p, "this is not a video\n".repeat(50));
        DataException e = assertThrows(DataException.class, () -> VideoReader.readAll(p));
        assertTrue(e.getMessage().startsWith(p + ": not a readable video"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test void emptyFileAndFolderAreRejected() throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.mp4"));
        assertEquals(empty + ": empty file", assertThrows(DataException.class, () -> VideoReader.open(empty)).getMessage());
        Path dir = Files.createDirectory(tmp.resolve("dir.mp4"));
        assertEquals(dir + ": not a regular file", assertThrows(DataException.class, () -> VideoReader.open(dir)).getMessage());
        assertThrows(DataException.class, () -> VideoReader.open(new byte[0], "nothing"));
    }

    @Test void truncatedMp4WithIndexAtTheEndFailsToOpen() throws Exception {
        // the shared clips keep their moov atom at the end: cutting the file removes the index
        byte[] all = Files.readAllBytes(SharedData.video("0001.mp4"));
        Path p = tmp.resolve("cut.mp4");
        Files.write(p, Arrays.copyOf(all, all.length / 2));
        DataException e = assertThrows(DataException.class, () -> VideoReader.readAll(p));
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
    }

    @Test void truncatedMp4WithIndexFirstReportsMissingFrames() throws Exception {
        // VideoWriter puts the moov atom first (faststart): a cut file opens but frames are missing
        RgbClip src = VideoReader.readAll(SharedData.video("0001.mp4"));
        Path whole = tmp.resolve("whole.mp4");
        VideoWriter.write(whole, src.frames(), 512, 512, 16);
        byte[] all = Files.readAllBytes(whole);
        Path cut = tmp.resolve("cut.mp4");
        Files.write(cut, Arrays.copyOf(all, all.length * 6 / 10));
        DataException e = assertThrows(DataException.class, () -> VideoReader.readAll(cut));
        assertTrue(e.getMessage().startsWith(cut + ": truncated or corrupt video: decoded "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" of 17 frames"), e.getMessage());
    }
}
