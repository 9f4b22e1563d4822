package ssvae.vae.video;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;
import ssvae.vae.data.DataException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Encodes packed RGB24 frames to an mp4 with H.264 (yuv420p) at a given frame rate. The encoder is libx264 when
 * the FFmpeg build has it, otherwise libopenh264 (the LGPL build bytedeco ships; see {@link Ffmpeg#h264EncoderName}).
 * The file is written under a temporary name in the target folder and renamed at the end, so a failure never
 * leaves a partial output. The moov atom is placed first (faststart) so the file can be streamed.
 */
public final class VideoWriter {
    private VideoWriter() {}

    /**
     * Target bit rate for H.264: 6 bits per pixel per frame, a ceiling the encoder rarely reaches; openh264 then
     * spends what the content needs (about 2.2 Mbit/s and 42.5 dB PSNR on the 512x512 shared clips).
     */
    static int bitrate(int width, int height, double fps) {
        long b = Math.round(width * (double) height * fps * 6.0);
        return (int) Math.max(200_000, Math.min(b, 200_000_000));
    }

    /** Writes the frames (each height*width*3 bytes) to out as H.264 mp4 at fps frames per second. */
    public static void write(Path out, List<byte[]> frames, int width, int height, double fps) {
        if (frames.isEmpty()) throw DataException.of(out, "no frames to write");
        if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0) {
            throw DataException.of(out, "H.264 yuv420p needs even positive width and height, got " + width + "x" + height);
        }
        if (!(fps > 0)) throw DataException.of(out, "frame rate must be positive, got " + fps);
        String encoder = Ffmpeg.h264EncoderName();
        if (encoder == null) throw DataException.of(out, "this FFmpeg build has no H.264 encoder (libx264 or libopenh264)");
        Path abs = out.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw DataException.of(out, "output folder does not exist");
        if (!Files.isWritable(dir)) throw DataException.of(out, "output folder is not writable");
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".part");
        } catch (IOException e) {
            throw DataException.of(out, "cannot create a file in the output folder (" + e.getMessage() + ")");
        }
        boolean done = false;
        try {
            encode(tmp, out, frames, width, height, fps, encoder);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
        } catch (IOException e) {
            throw DataException.of(out, "cannot write (" + e.getMessage() + ")");
        } finally {
            if (!done) {
                try { Files.deleteIfExists(tmp); } catch (IOException ignored) { /* best effort clean-up */ }
            }
        }
    }

    private static void encode(Path tmp, Path out, List<byte[]> frames, int width, int height, double fps, String encoder) {
        FFmpegFrameRecorder rec = new FFmpegFrameRecorder(tmp.toFile(), width, height, 0);
        rec.setFormat("mp4");
        rec.setVideoCodecName(encoder);
        rec.setVideoCodec(avcodec.AV_CODEC_ID_H264);
        rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        rec.setFrameRate(fps);
        rec.setVideoBitrate(bitrate(width, height, fps));
        rec.setGopSize(Math.max(1, (int) Math.round(fps)));
        rec.setOption("movflags", "+faststart");
        Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
        ByteBuffer bb = (ByteBuffer) frame.image[0];
        int row = width * 3;
        try {
            rec.start();
            for (int i = 0; i < frames.size(); i++) {
                byte[] f = frames.get(i);
                if (f.length < row * height) throw DataException.of(out, "frame " + i + " holds " + f.length + " bytes, need " + row * height);
                for (int y = 0; y < height; y++) bb.put(y * frame.imageStride, f, y * row, row);
                rec.record(frame, avutil.AV_PIX_FMT_RGB24);
            }
            rec.stop();
        } catch (FrameRecorder.Exception e) {
            throw DataException.of(out, "encoding failed (" + VideoReader.ffmpegMessage(e) + ")");
        } finally {
            try { rec.release(); } catch (FrameRecorder.Exception ignored) { /* released after an error already reported */ }
        }
    }

    /**
     * Writes a clip tensor in [-1, 1], shape [3, T, H, W] or [1, 3, T, H, W] (any dtype, any device), as the
     * official save_video does (reconstruction output).
     */
    public static void writeSigned(Path out, ssvae.tensor.Tensor clip, double fps) {
        int[] s = clip.shape();
        if (s.length == 5 && s[0] == 1) s = new int[] {s[1], s[2], s[3], s[4]};
        if (s.length != 4 || s[0] != 3) {
            throw DataException.of(out, "a video tensor must be [3, T, H, W] or [1, 3, T, H, W], got " + java.util.Arrays.toString(clip.shape()));
        }
        writeSigned(out, clip.toFloatArray(), s[1], s[2], s[3], fps);
    }

    /** Writes a planar [3, T, H, W] float clip in [-1, 1] (data offset 0) as the official save_video does. */
    public static void writeSigned(Path out, float[] clip, int frames, int height, int width, double fps) {
        int pixels = height * width;
        java.util.List<byte[]> rgb = new java.util.ArrayList<>(frames);
        for (int t = 0; t < frames; t++) {
            byte[] f = new byte[pixels * 3];
            FrameConvert.fromPlanarSigned(clip, t * pixels, frames * pixels, pixels, f);
            rgb.add(f);
        }
        write(out, rgb, width, height, fps);
    }
}
