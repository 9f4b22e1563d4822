package ssvae.vae.video;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.vae.data.DataException;
import ssvae.vae.metrics.Psnr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class VideoWriterTest {
    @TempDir Path tmp;

    @Test void encoderIsAnH264EncoderOfThisBuild() {
        String enc = Ffmpeg.h264EncoderName();
        assertTrue("libx264".equals(enc) || "libopenh264".equals(enc), "encoder " + enc);
    }

    @Test void reencodeKeepsFramesSizeRateAndQuality() throws Exception {
        RgbClip src = VideoReader.readAll(SharedData.video("0001.mp4"));
        Path out = tmp.resolve("re.mp4");
        VideoWriter.write(out, src.frames(), 512, 512, 16);
        RgbClip back = VideoReader.readAll(out);
        assertEquals(17, back.frameCount());
        assertEquals(512, back.width());
        assertEquals(16.0, back.fps(), 1e-6);
        for (int i = 0; i < 17; i++) assertEquals(i * 62_500L, back.timestampsUs()[i]);
        double psnr = Psnr.psnr(src.frames(), back.frames(), 512 * 512 * 3);
        // openh264 at our bitrate: about 42.5 dB on this clip (x264 would be higher)
        assertTrue(psnr > 38 && psnr < 60, "PSNR " + psnr);
        try (Stream<Path> s = Files.list(tmp)) { assertEquals(List.of(out), s.toList(), "no temporary file left"); }
    }

    @Test void planarSignedClipIsWrittenLikeSaveVideo() throws Exception {
        int t = 5, h = 32, w = 48;
        float[] clip = new float[3 * t * h * w];
        for (int i = 0; i < clip.length; i++) clip[i] = (float) Math.sin(i * 0.01);
        Path out = tmp.resolve("clip.mp4");
        VideoWriter.writeSigned(out, clip, t, h, w, 8);
        RgbClip back = VideoReader.readAll(out);
        assertEquals(t, back.frameCount());
        assertEquals(w, back.width());
        assertEquals(h, back.height());
        Path viaTensor = tmp.resolve("tensor.mp4");
        VideoWriter.writeSigned(viaTensor, ssvae.tensor.Tensor.fromArray(clip, 1, 3, t, h, w), 8);
        assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(viaTensor), "same encoder input, same file");
        DataException e = assertThrows(DataException.class, () -> VideoWriter.writeSigned(tmp.resolve("bad.mp4"), ssvae.tensor.Tensor.fromArray(clip, 3 * t, h, w), 8));
        assertTrue(e.getMessage().endsWith("a video tensor must be [3, T, H, W] or [1, 3, T, H, W], got [15, 32, 48]"), e.getMessage());
    }

    @Test void missingOrFileParentFolderIsOneLineAndLeavesNothing() throws Exception {
        List<byte[]> frames = List.of(new byte[16 * 16 * 3]);
        Path noDir = tmp.resolve("absent").resolve("x.mp4");
        assertEquals(noDir + ": output folder does not exist",
                assertThrows(DataException.class, () -> VideoWriter.write(noDir, frames, 16, 16, 8)).getMessage());
        Path file = Files.writeString(tmp.resolve("plain"), "x");
        Path under = file.resolve("x.mp4");
        assertEquals(under + ": output folder does not exist",
                assertThrows(DataException.class, () -> VideoWriter.write(under, frames, 16, 16, 8)).getMessage());
    }

    @Test void failureMidwayLeavesNoPartialFile() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 4; i++) frames.add(new byte[64 * 64 * 3]);
        frames.add(new byte[10]);  // a short frame: encoding stops with an error after 4 frames
        Path out = tmp.resolve("bad.mp4");
        DataException e = assertThrows(DataException.class, () -> VideoWriter.write(out, frames, 64, 64, 8));
        assertEquals(out + ": frame 4 holds 10 bytes, need 12288", e.getMessage());
        try (Stream<Path> s = Files.list(tmp)) { assertEquals(0, s.count(), "no partial output"); }
    }

    @Test void oddSizeAndEmptyInputAreRejected() {
        Path out = tmp.resolve("x.mp4");
        assertThrows(DataException.class, () -> VideoWriter.write(out, List.of(new byte[15 * 16 * 3]), 15, 16, 8));
        assertThrows(DataException.class, () -> VideoWriter.write(out, List.of(), 16, 16, 8));
        assertThrows(DataException.class, () -> VideoWriter.write(out, List.of(new byte[16 * 16 * 3]), 16, 16, 0));
    }
}
