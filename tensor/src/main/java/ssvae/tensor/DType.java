package ssvae.tensor;

/** Element types. F32 is the compute type, F64 the reference type for tests; BF16/F16 are storage types. */
public enum DType {
    F32(4, true), F64(8, true), BF16(2, true), F16(2, true), I64(8, false), I32(4, false), U8(1, false), BOOL(1, false);

    public final int bytes;
    public final boolean floating;

    DType(int bytes, boolean floating) { this.bytes = bytes; this.floating = floating; }

    /** Safetensors / PyTorch spelling. */
    public String safetensorsName() {
        return switch (this) {
            case F32 -> "F32"; case F64 -> "F64"; case BF16 -> "BF16"; case F16 -> "F16";
            case I64 -> "I64"; case I32 -> "I32"; case U8 -> "U8"; case BOOL -> "BOOL";
        };
    }

    /** Result type of a binary op between a and b (PyTorch-like promotion for tensor-tensor ops). */
    public static DType promote(DType a, DType b) {
        if (a == b) return a;
        if (a.floating && b.floating) {
            if (a == F64 || b == F64) return F64;
            return F32; // bf16 + f16, f32 + half -> f32
        }
        if (a.floating) return a;
        if (b.floating) return b;
        if (a == BOOL) return b;
        if (b == BOOL) return a;
        return (a == I64 || b == I64) ? I64 : (a == I32 || b == I32) ? I32 : U8;
    }

    public static DType parse(String s) {
        return switch (s.toLowerCase()) {
            case "f32", "float32", "float" -> F32;
            case "f64", "float64", "double" -> F64;
            case "bf16", "bfloat16" -> BF16;
            case "f16", "float16", "half" -> F16;
            case "i64", "int64", "long" -> I64;
            case "i32", "int32", "int" -> I32;
            case "u8", "uint8" -> U8;
            case "bool" -> BOOL;
            default -> throw new IllegalArgumentException("unknown dtype '" + s + "' (expected f32, f64, bf16, f16, i64, i32, u8 or bool)");
        };
    }
}
