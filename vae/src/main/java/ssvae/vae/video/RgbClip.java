package ssvae.vae.video;

import java.util.List;

/**
 * Decoded frames: each a packed RGB24 array of height*width*3 bytes (row-major, channel last), with its
 * presentation timestamp in microseconds.
 */
public record RgbClip(int width, int height, double fps, List<byte[]> frames, long[] timestampsUs) {
    public int frameCount() { return frames.size(); }
    public byte[] frame(int i) { return frames.get(i); }
}
