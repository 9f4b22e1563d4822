package ssvae.io;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.Device;
import ssvae.tensor.DType;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Raw element bytes <-> CPU storage arrays, in bounded chunks so that no whole-file buffer is ever built.
 * BF16/F16 stay raw 16-bit patterns (short[]); BOOL is one byte per element (0 or 1).
 */
final class TensorBytes {
    /** Chunk size for transfers (a multiple of every element size). */
    static final int CHUNK = 1 << 20;

    private TensorBytes() {}

    /** Copies n elements from buf (its position onward, in buf's byte order) into the storage at dst. */
    static void get(ByteBuffer buf, CpuStorage s, int dst, int n) {
        switch (s.dtype()) {
            case F32 -> buf.asFloatBuffer().get(s.f32(), dst, n);
            case F64 -> buf.asDoubleBuffer().get(s.f64(), dst, n);
            case BF16, F16 -> buf.asShortBuffer().get(s.i16(), dst, n);
            case I64 -> buf.asLongBuffer().get(s.i64(), dst, n);
            case I32 -> buf.asIntBuffer().get(s.i32(), dst, n);
            case U8 -> buf.get(buf.position(), s.u8(), dst, n);
            case BOOL -> {
                byte[] b = s.u8();
                for (int k = 0; k < n; k++) b[dst + k] = (byte) (buf.get(buf.position() + k) != 0 ? 1 : 0);
            }
        }
        buf.position(buf.position() + n * s.dtype().bytes);
    }

    /** Copies n elements of the storage from src into buf (at its position, in buf's byte order). */
    static void put(ByteBuffer buf, CpuStorage s, int src, int n) {
        switch (s.dtype()) {
            case F32 -> buf.asFloatBuffer().put(s.f32(), src, n);
            case F64 -> buf.asDoubleBuffer().put(s.f64(), src, n);
            case BF16, F16 -> buf.asShortBuffer().put(s.i16(), src, n);
            case I64 -> buf.asLongBuffer().put(s.i64(), src, n);
            case I32 -> buf.asIntBuffer().put(s.i32(), src, n);
            case U8 -> buf.put(buf.position(), s.u8(), src, n);
            case BOOL -> {
                byte[] b = s.u8();
                for (int k = 0; k < n; k++) buf.put(buf.position() + k, (byte) (b[src + k] != 0 ? 1 : 0));
            }
        }
        buf.position(buf.position() + n * s.dtype().bytes);
    }

    /** Reads numel elements stored at [pos, pos + numel * size) of the channel into a new storage. */
    static CpuStorage read(FileChannel ch, long pos, DType dt, int numel, ByteOrder order) throws IOException {
        CpuStorage s = new CpuStorage(dt, numel);
        readInto(ch, pos, s, order);
        return s;
    }

    /** Fills the whole storage from the channel's bytes at pos. */
    static void readInto(FileChannel ch, long pos, CpuStorage s, ByteOrder order) throws IOException {
        DType dt = s.dtype();
        int numel = s.numel();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(1L, (long) numel * dt.bytes))).order(order);
        int done = 0;
        while (done < numel) {
            int n = Math.min(numel - done, CHUNK / dt.bytes);
            buf.clear().limit(n * dt.bytes);
            while (buf.hasRemaining()) {
                int r = ch.read(buf, pos + buf.position());
                if (r < 0) throw new EOFException("unexpected end of file at byte " + (pos + buf.position()));
            }
            buf.flip();
            get(buf, s, done, n);
            done += n;
            pos += (long) n * dt.bytes;
        }
    }

    /** Reads numel elements from a stream into a new storage. */
    static CpuStorage read(InputStream in, DType dt, int numel, ByteOrder order) throws IOException {
        CpuStorage s = new CpuStorage(dt, numel);
        byte[] chunk = new byte[(int) Math.min(CHUNK, (long) numel * dt.bytes)];
        ByteBuffer buf = ByteBuffer.wrap(chunk).order(order);
        int done = 0;
        while (done < numel) {
            int n = Math.min(numel - done, CHUNK / dt.bytes);
            int len = n * dt.bytes;
            int got = in.readNBytes(chunk, 0, len);
            if (got < len) throw new EOFException("record ends after " + ((long) done * dt.bytes + got) + " bytes");
            buf.clear();
            get(buf, s, done, n);
            done += n;
        }
        return s;
    }

    /** A contiguous CPU tensor with t's values (t itself when it already is one), detached from any graph. */
    static Tensor hostContiguous(Tensor t) {
        try (var g = GradMode.noGrad()) {
            Tensor h = t.detach();
            if (!h.isCpu()) h = h.to(Device.CPU);
            if (!h.isContiguous()) h = h.contiguous();
            return h;
        }
    }

    /** Writes the elements of a contiguous CPU tensor to the channel, little-endian, in chunks. */
    static long write(WritableByteChannel ch, Tensor t, ByteBuffer buf) throws IOException {
        CpuStorage s = (CpuStorage) t.storage();
        DType dt = t.dtype();
        int numel = t.numel();
        int perChunk = buf.capacity() / dt.bytes;
        int done = 0;
        long written = 0;
        while (done < numel) {
            int n = Math.min(numel - done, perChunk);
            buf.clear();
            put(buf, s, t.offset() + done, n);
            buf.flip();
            while (buf.hasRemaining()) written += ch.write(buf);
            done += n;
        }
        return written;
    }
}
