package ssvae.vae.video;

import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import ssvae.vae.data.DataException;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the first video stream of any container/codec FFmpeg knows (mp4/H.264 High first) into tightly packed
 * RGB24 frames (H*W*3 bytes, row-major, like {@code frame.to_rgb().to_ndarray()} in PyAV), from a file or from
 * bytes in memory (a shard entry). Frames come in presentation order with their timestamps; {@link #seek} lands on
 * the first frame whose timestamp is at or after the requested time. Errors are {@link DataException}s naming the
 * source.
 */
public final class VideoReader implements AutoCloseable {
    private final String name;
    private final FFmpegFrameGrabber grabber;
    private final int width, height;
    private final double fps;
    private long lastTimestampUs = -1;
    /** After a seek: frames earlier than this (microseconds) are decoded and dropped. */
    private long skipBeforeUs = Long.MIN_VALUE;
    private boolean closed;

    private VideoReader(String name, FFmpegFrameGrabber grabber) {
        this.name = name;
        this.grabber = grabber;
        try {
            grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            releaseQuietly(grabber);
            throw DataException.of(name, "not a readable video (" + ffmpegMessage(e) + ")");
        }
        this.width = grabber.getImageWidth();
        this.height = grabber.getImageHeight();
        this.fps = grabber.getFrameRate();
        if (grabber.getVideoStream() < 0 || width <= 0 || height <= 0) {
            releaseQuietly(grabber);
            throw DataException.of(name, "no video stream");
        }
    }

    /** Opens a video file. */
    public static VideoReader open(Path file) {
        Ffmpeg.init();
        if (!Files.exists(file)) throw DataException.of(file, "no such file");
        if (!Files.isRegularFile(file)) throw DataException.of(file, "not a regular file");
        if (!Files.isReadable(file)) throw DataException.of(file, "not readable (permission denied)");
        try {
            if (Files.size(file) == 0) throw DataException.of(file, "empty file");
        } catch (java.io.IOException e) {
            throw DataException.of(file, "cannot read (" + e.getMessage() + ")");
        }
        return new VideoReader(file.toString(), new FFmpegFrameGrabber(file.toFile()));
    }

    /** Opens a video held in memory (for example a shard entry); name is used in messages. */
    public static VideoReader open(byte[] bytes, String name) {
        Ffmpeg.init();
        if (bytes.length == 0) throw DataException.of(name, "empty video data");
        // maximumSize above the data size lets FFmpeg seek anywhere in the stream (mark/reset over the whole array).
        return new VideoReader(name, new FFmpegFrameGrabber(new ByteArrayInputStream(bytes), bytes.length + 1));
    }

    public String name() { return name; }
    public int width() { return width; }
    public int height() { return height; }
    /** Frames per second of the video stream (its average frame rate). */
    public double fps() { return fps; }
    /** Duration in seconds as the container states it (0 when unknown). */
    public double durationSeconds() { return grabber.getLengthInTime() / 1e6; }
    /** Bytes per RGB24 frame. */
    public int frameBytes() { return width * height * 3; }

    /** The frame count stored in the container (mp4: the sample table), or -1 when the container does not say. */
    public long containerFrameCount() {
        AVFormatContext fc = grabber.getFormatContext();
        if (fc == null) return -1;
        long n = fc.streams(grabber.getVideoStream()).nb_frames();
        return n > 0 ? n : -1;
    }

    /**
     * Decodes the next frame into dst (at least {@link #frameBytes()} bytes, packed RGB24) and returns true, or
     * returns false at the end of the stream. The frame's timestamp is then {@link #lastTimestampUs()}.
     */
    public boolean next(byte[] dst) {
        Frame f;
        do {
            try {
                f = grabber.grabImage();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                throw DataException.of(name, "decode failed (" + ffmpegMessage(e) + ")");
            }
            if (f == null || f.image == null) return false;
        } while (f.timestamp < skipBeforeUs);
        skipBeforeUs = Long.MIN_VALUE;
        ByteBuffer bb = (ByteBuffer) f.image[0];
        int row = width * 3, stride = f.imageStride;
        if (f.imageWidth != width || f.imageHeight != height) {
            throw DataException.of(name, "frame size changed mid-stream to " + f.imageWidth + "x" + f.imageHeight);
        }
        if (stride == row) {
            bb.get(0, dst, 0, row * height);
        } else {
            for (int y = 0; y < height; y++) bb.get(y * stride, dst, y * row, row);
        }
        lastTimestampUs = f.timestamp;
        return true;
    }

    /** Timestamp in microseconds of the frame last returned by {@link #next}. */
    public long lastTimestampUs() { return lastTimestampUs; }

    /** Seeks so that the next {@link #next} returns the first frame whose timestamp is at or after seconds. */
    public void seek(double seconds) {
        long us = Math.round(seconds * 1e6);
        try {
            // JavaCV lands on the frame shown at that time (timestamp <= us); next() then skips to the first frame
            // at or after it (PyAV's read_video keeps pts >= start), allowing 1 us for timestamp rounding.
            grabber.setTimestamp(us, true);
            skipBeforeUs = us - 1;
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw DataException.of(name, "seek to " + seconds + " s failed (" + ffmpegMessage(e) + ")");
        }
    }

    /**
     * Decodes every frame. Fails when the container announces more frames than could be decoded (a truncated or
     * corrupt file) or when no frame decodes at all.
     */
    public RgbClip readAll() {
        List<byte[]> frames = new ArrayList<>();
        List<Long> ts = new ArrayList<>();
        while (true) {
            byte[] buf = new byte[frameBytes()];
            if (!next(buf)) break;
            frames.add(buf);
            ts.add(lastTimestampUs);
        }
        long expected = containerFrameCount();
        if (frames.isEmpty()) throw DataException.of(name, "no decodable frames (truncated or corrupt video)");
        if (expected > 0 && frames.size() < expected) {
            throw DataException.of(name, "truncated or corrupt video: decoded " + frames.size() + " of " + expected + " frames");
        }
        long[] t = new long[ts.size()];
        for (int i = 0; i < t.length; i++) t[i] = ts.get(i);
        return new RgbClip(width, height, fps, frames, t);
    }

    /** Convenience: decode a whole file. */
    public static RgbClip readAll(Path file) {
        try (VideoReader r = open(file)) { return r.readAll(); }
    }

    /** Convenience: decode a whole in-memory video. */
    public static RgbClip readAll(byte[] bytes, String name) {
        try (VideoReader r = open(bytes, name)) { return r.readAll(); }
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        releaseQuietly(grabber);
    }

    private static void releaseQuietly(FFmpegFrameGrabber g) {
        try { g.close(); } catch (Exception ignored) { /* already failing or closing: nothing more to report */ }
    }

    private static final java.util.regex.Pattern AV_ERROR = java.util.regex.Pattern.compile("(\\w+)\\(\\) error (-?\\d+)");

    /**
     * FFmpeg's own message on one line: "avformat_open_input: Invalid data found when processing input" from
     * JavaCV's "avformat_open_input() error -1094995529: ..." (its hints about setFormat and log callbacks dropped).
     */
    static String ffmpegMessage(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        java.util.regex.Matcher am = AV_ERROR.matcher(m);
        if (am.find()) {
            byte[] buf = new byte[256];
            if (avutil.av_strerror(Integer.parseInt(am.group(2)), buf, buf.length) == 0) {
                int n = 0;
                while (n < buf.length && buf[n] != 0) n++;
                return am.group(1) + ": " + new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return m.replace('\n', ' ').trim();
    }
}
