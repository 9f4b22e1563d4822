package ssvae.tensor;

/** bfloat16 and IEEE half conversions, round-to-nearest-even like PyTorch. */
public final class Half {
    private Half() {}

    public static float bf16ToFloat(short h) { return Float.intBitsToFloat((h & 0xffff) << 16); }

    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) return (short) ((bits >>> 16) | 0x40); // quiet NaN
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float f16ToFloat(short h) { return Float.float16ToFloat(h); }

    public static short floatToF16(float f) { return Float.floatToFloat16(f); }
}
