package ssvae.kernels.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Packs a kernel's by-value struct argument with C layout rules (natural alignment, size padded to the largest
 * member), matching the structs declared in src-cu/*.cu (x86-64 / CUDA ABI, little endian).
 */
public final class Struct {
    private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    private int maxAlign = 1;

    private void align(int a) {
        maxAlign = Math.max(maxAlign, a);
        while (buf.position() % a != 0) buf.put((byte) 0);
    }

    private void room(int n) {
        if (buf.remaining() < n + 8) {
            ByteBuffer b = ByteBuffer.allocate(buf.capacity() * 2 + n).order(ByteOrder.LITTLE_ENDIAN);
            buf.flip();
            b.put(buf);
            buf = b;
        }
    }

    public Struct i32(int v) { room(4); align(4); buf.putInt(v); return this; }

    public Struct i32(int[] v, int count) {
        for (int i = 0; i < count; i++) i32(i < v.length ? v[i] : 0);
        return this;
    }

    public Struct f32(float v) { room(4); align(4); buf.putFloat(v); return this; }

    public Struct f64(double v) { room(8); align(8); buf.putDouble(v); return this; }

    public Struct i64(long v) { room(8); align(8); buf.putLong(v); return this; }

    public byte[] bytes() {
        room(maxAlign);
        align(maxAlign);
        byte[] out = new byte[buf.position()];
        buf.duplicate().flip().get(out);
        return out;
    }
}
