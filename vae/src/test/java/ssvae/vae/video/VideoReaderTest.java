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

    @Test void seekIsExactOnAShardVideoAtNtscRate() throws Exception {
        // a 29.97 fps H.264 High sample from the shared video shard, decoded from memory
        byte[] mp4;
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                Files.newInputStream(SharedData.root().resolve("webdataset/video/test.tar")))) {
            var e = in.getNextEntry();
            while (!e.getName().endsWith(".mp4")) e = in.getNextEntry();
            mp4 = in.readAllBytes();
        }
        RgbClip all = VideoReader.readAll(mp4, "shard sample");
        assertEquals(29.97, all.fps(), 0.01);
        try (VideoReader r = VideoReader.open(mp4, "shard sample")) {
            byte[] f = new byte[r.frameBytes()];
            for (int k : new int[] {45, 3, all.frameCount() - 1, 20}) {
                r.seek(all.timestampsUs()[k] / 1e6);
                assertTrue(r.next(f));
                assertEquals(all.timestampsUs()[k], r.lastTimestampUs(), "frame " + k);
                assertArrayEquals(all.frame(k), f, "frame " + k);
            }
        }
    }

    /** Writes flat grey frames (level 20 * i + 30) with FFmpeg's own muxer and encoder, bypassing VideoWriter. */
    private Path otherFormat(String file, String format, String codecName, int codecId) throws Exception {
        Path p = tmp.resolve(file);
        var rec = new org.bytedeco.javacv.FFmpegFrameRecorder(p.toFile(), 64, 48, 0);
        rec.setFormat(format);
        rec.setVideoCodecName(codecName);
        rec.setVideoCodec(codecId);
        rec.setPixelFormat(codecName.equals("mjpeg") ? org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P : org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
        rec.setFrameRate(10);
        rec.setVideoBitrate(2_000_000);
        rec.start();
        var frame = new org.bytedeco.javacv.Frame(64, 48, org.bytedeco.javacv.Frame.DEPTH_UBYTE, 3);
        for (int i = 0; i < 6; i++) {
            java.nio.ByteBuffer bb = (java.nio.ByteBuffer) frame.image[0];
            for (int k = 0; k < bb.capacity(); k++) bb.put(k, (byte) (20 * i + 30));
            rec.record(frame, org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24);
        }
        rec.stop();
        rec.release();
        return p;
    }

    @Test void decodesOtherContainersAndCodecs() throws Exception {
        Path[] files = {
                otherFormat("mpeg4.avi", "avi", "mpeg4", org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4),
                otherFormat("vp8.webm", "webm", "libvpx", org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8),
                otherFormat("mjpeg.mkv", "matroska", "mjpeg", org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG)};
        for (Path f : files) {
            RgbClip c = VideoReader.readAll(f);
            assertEquals(6, c.frameCount(), f.toString());
            assertEquals(64, c.width());
            assertEquals(48, c.height());
            for (int i = 0; i < 6; i++) assertEquals(20 * i + 30, c.frame(i)[3 * (24 * 64 + 32)] & 0xFF, 3, f + " frame " + i);
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
