package ssvae.autograd;

import org.junit.jupiter.api.Test;
import ssvae.tensor.BinaryOp;
import ssvae.tensor.DType;
import ssvae.tensor.Half;
import ssvae.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.*;
import static ssvae.tensor.DType.*;

/** dtype conversion (round-to-nearest-even halves, truncation to ints, bool) and promotion rules. */
class DTypeTest {
    static float f(int bits) { return Float.intBitsToFloat(bits); }

    @Test void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, Half.floatToBf16(f(0x3F808000)), "tie rounds down to even");
        assertEquals((short) 0x3F82, Half.floatToBf16(f(0x3F818000)), "tie rounds up to even");
        assertEquals((short) 0x3F81, Half.floatToBf16(f(0x3F808001)), "above the tie rounds up");
        assertEquals((short) 0x3F80, Half.floatToBf16(f(0x3F807FFF)));
        assertEquals((short) 0xBF82, Half.floatToBf16(f(0xBF818000)), "negative tie");
        assertEquals((short) 0x7F80, Half.floatToBf16(Float.MAX_VALUE), "overflow to inf");
        assertEquals((short) 0x7F80, Half.floatToBf16(Float.POSITIVE_INFINITY));
        assertEquals((short) 0xFF80, Half.floatToBf16(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(Half.bf16ToFloat(Half.floatToBf16(Float.NaN))));
        assertTrue(Float.isNaN(Half.bf16ToFloat(Half.floatToBf16(f(0x7F800001)))), "a NaN with only low payload bits stays NaN");
        assertEquals(1.0f, Half.bf16ToFloat((short) 0x3F80));
        assertEquals(-0f, Half.bf16ToFloat(Half.floatToBf16(-0f)));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(Half.bf16ToFloat(Half.floatToBf16(-0f))));
        // every bf16 value survives the round trip
        for (int b = 0; b < 0x10000; b++) {
            float v = Half.bf16ToFloat((short) b);
            if (!Float.isNaN(v)) assertEquals((short) b, Half.floatToBf16(v));
        }
    }

    @Test void f16RoundsToNearestEven() {
        float one = 1f;
        assertEquals(1f, Half.f16ToFloat(Half.floatToF16(one + 0x1p-11f)), "tie to even (down)");
        assertEquals(1f + 0x1p-9f, Half.f16ToFloat(Half.floatToF16(one + 3 * 0x1p-11f)), "tie to even (up)");
        assertEquals(65504f, Half.f16ToFloat(Half.floatToF16(65519f)));
        assertEquals(Float.POSITIVE_INFINITY, Half.f16ToFloat(Half.floatToF16(65520f)), "the tie above max rounds to inf");
        assertEquals(0f, Half.f16ToFloat(Half.floatToF16(0x1p-25f)), "subnormal tie to even (zero)");
        assertEquals(0x1p-23f, Half.f16ToFloat(Half.floatToF16(3 * 0x1p-25f)), "subnormal tie to even");
        assertTrue(Float.isNaN(Half.f16ToFloat(Half.floatToF16(Float.NaN))));
        assertEquals(Float.NEGATIVE_INFINITY, Half.f16ToFloat(Half.floatToF16(Float.NEGATIVE_INFINITY)));
    }

    @Test void tensorConversions() {
        Tensor x = Tensor.fromArray(new float[] {f(0x3F808000), f(0x3F818000), Float.NaN, Float.NEGATIVE_INFINITY, 1e-3f});
        float[] bf = x.to(BF16).to(F32).toFloatArray();
        assertEquals(1f, bf[0]);
        assertEquals(Half.bf16ToFloat((short) 0x3F82), bf[1]);
        assertTrue(Float.isNaN(bf[2]));
        assertEquals(Float.NEGATIVE_INFINITY, bf[3]);
        float[] hf = x.to(F16).toFloatArray();
        assertEquals(Half.f16ToFloat(Half.floatToF16(1e-3f)), hf[4]);
        // float -> int truncates toward zero
        Tensor y = Tensor.fromArray(new double[] {-2.7, -0.5, 0.5, 2.7, 1e10});
        assertArrayEquals(new long[] {-2, 0, 0, 2, 10_000_000_000L}, y.to(I64).toLongArray());
        assertArrayEquals(new long[] {-2, 0, 0, 2}, y.slice(0, 0, 4).to(I32).toLongArray());
        // bool: nonzero (and NaN) is true
        Tensor b = Tensor.fromArray(new double[] {0, -0.0, 0.1, Double.NaN, -3}).to(BOOL);
        assertArrayEquals(new long[] {0, 0, 1, 1, 1}, b.toLongArray());
        assertArrayEquals(new double[] {0, 0, 1, 1, 1}, b.to(F32).toDoubleArray());
        assertArrayEquals(new long[] {0, 1, 1}, Tensor.fromLongs(new long[] {0, 5, -1}).to(BOOL).toLongArray());
        // I64 beyond 2^53 converts exactly between integer types
        long big = (1L << 53) + 1;
        assertEquals(big, Tensor.fromLongs(new long[] {big}).to(I64).toLongArray()[0]);
        assertEquals(7, Tensor.fromInts(new int[] {7}).to(I64).toLongArray()[0]);
        assertEquals(200, Tensor.fromBytes(new byte[] {(byte) 200}).to(I32).item());
    }

    @Test void promotionTable() {
        assertEquals(F32, DType.promote(F32, BF16));
        assertEquals(F32, DType.promote(BF16, F16));
        assertEquals(F64, DType.promote(F32, F64));
        assertEquals(F16, DType.promote(I64, F16));
        assertEquals(BF16, DType.promote(BOOL, BF16));
        assertEquals(I64, DType.promote(I32, I64));
        assertEquals(I32, DType.promote(U8, I32));
        assertEquals(U8, DType.promote(BOOL, U8));
        assertEquals(BOOL, DType.promote(BOOL, BOOL));
        for (DType a : DType.values()) for (DType b : DType.values()) assertEquals(DType.promote(a, b), DType.promote(b, a), a + " " + b);
        assertThrows(IllegalArgumentException.class, () -> DType.parse("f8"));
        assertEquals(BF16, DType.parse("bfloat16"));
    }

    @Test void opResultTypes() {
        Tensor i = Tensor.fromLongs(new long[] {7, -7}), j = Tensor.fromLongs(new long[] {2, 2});
        assertEquals(I64, i.add(j).dtype());
        assertArrayEquals(new long[] {14, -14}, i.mul(j).toLongArray());
        assertArrayEquals(new long[] {5, -9}, i.sub(j).toLongArray());
        Tensor q = i.div(j);
        assertEquals(F32, q.dtype(), "true division of ints is float");
        assertArrayEquals(new double[] {3.5, -3.5}, q.toDoubleArray());
        assertEquals(F32, i.atan2(j).dtype());
        assertEquals(I64, i.pow(j).dtype());
        assertArrayEquals(new long[] {49, 49}, i.pow(j).toLongArray());
        assertEquals(I32, Tensor.fromInts(new int[] {1}).mul(Tensor.fromInts(new int[] {3})).dtype());
        assertEquals(F32, i.add(Tensor.fromArray(new float[] {0.5f})).dtype());
        assertEquals(F64, Tensor.fromArray(new float[] {1}).add(Tensor.fromArray(new double[] {1})).dtype());
        assertEquals(I64, i.add(3).dtype(), "int tensor + int scalar stays int");
        assertEquals(F32, i.add(0.5).dtype());
        assertEquals(I64, i.neg().dtype());
        assertEquals(I64, i.abs().dtype());
        assertEquals(F32, i.exp().dtype());
        assertEquals(F32, i.div(2).dtype());
        assertArrayEquals(new double[] {3.5, -3.5}, i.div(2).toDoubleArray());
        assertEquals(I64, Tensor.fromBools(new boolean[] {true}).add(1).dtype(), "bool + int scalar is int64");
        for (BinaryOp op : BinaryOp.values()) if (op.isComparison()) {
            Tensor r = ssvae.tensor.Ops.get().binary(op, Tensor.fromArray(new float[] {1, 2}), Tensor.fromLongs(new long[] {2}));
            assertEquals(BOOL, r.dtype(), op.toString());
        }
        assertArrayEquals(new long[] {1, 0}, Tensor.fromArray(new float[] {1, 2}).lt(Tensor.fromLongs(new long[] {2})).toLongArray());
        assertArrayEquals(new long[] {0, 1, 0}, Tensor.fromArray(new float[] {1, Float.NaN, 3}).isnan().toLongArray());
        assertEquals(BOOL, Tensor.fromArray(new float[] {1}).isfinite().dtype());
        assertArrayEquals(new long[] {0, 1}, Tensor.fromBools(new boolean[] {true, false}).logicalNot().toLongArray());
        assertThrows(IllegalArgumentException.class, () -> Tensor.fromLongs(new long[] {1}).matmul(Tensor.fromLongs(new long[] {1})));
    }
}
