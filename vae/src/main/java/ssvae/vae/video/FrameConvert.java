package ssvae.vae.video;

/**
 * RGB24 (packed, channel last) to planar float and back. The forward map is a 256-entry lookup table, so
 * converting a frame is one table read per byte; outputs go into caller-owned buffers so a decode loop allocates
 * nothing per frame.
 */
public final class FrameConvert {
    /** v / 127.5 - 1: the [-1, 1] range of the official loaders ({@code vframes / 127.5 - 1.0}). */
    private static final float[] SIGNED = new float[256];
    /** v as a float (0..255). */
    private static final float[] UNSIGNED = new float[256];
    static {
        for (int v = 0; v < 256; v++) {
            SIGNED[v] = (float) (v / 127.5 - 1.0);
            UNSIGNED[v] = v;
        }
    }

    private FrameConvert() {}

    /**
     * Scatters one packed RGB24 frame into planar float: channel c of the frame goes to
     * dst[dstOffset + c * channelStride + i] for pixel i, as v/127.5 - 1 when signed, else v (0..255).
     * For a [3, T, H, W] clip, channelStride = T*H*W and dstOffset = t*H*W.
     */
    public static void toPlanar(byte[] rgb, int pixels, float[] dst, int dstOffset, int channelStride, boolean signed) {
        float[] lut = signed ? SIGNED : UNSIGNED;
        int r = dstOffset, g = dstOffset + channelStride, b = dstOffset + 2 * channelStride;
        for (int i = 0, s = 0; i < pixels; i++, s += 3) {
            dst[r + i] = lut[rgb[s] & 0xFF];
            dst[g + i] = lut[rgb[s + 1] & 0xFF];
            dst[b + i] = lut[rgb[s + 2] & 0xFF];
        }
    }

    /**
     * Planar float in [-1, 1] to packed RGB24 as the official save_video does:
     * {@code ((x + 1) * 127.5).clamp(0, 255).byte()} (the byte cast truncates toward zero; NaN becomes 0).
     */
    public static void fromPlanarSigned(float[] src, int srcOffset, int channelStride, int pixels, byte[] rgb) {
        for (int c = 0; c < 3; c++) {
            int o = srcOffset + c * channelStride;
            for (int i = 0; i < pixels; i++) {
                float v = (src[o + i] + 1f) * 127.5f;
                int q = v >= 255f ? 255 : v > 0f ? (int) v : 0;
                rgb[3 * i + c] = (byte) q;
            }
        }
    }
}
