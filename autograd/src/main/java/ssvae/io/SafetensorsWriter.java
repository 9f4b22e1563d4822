package ssvae.io;

import ssvae.tensor.DType;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Writes safetensors files (format: github.com/huggingface/safetensors) tensor by tensor: the header is built
 * from the declared dtypes and shapes, then each tensor is fetched, made contiguous on the CPU and streamed out
 * in chunks, so only one tensor at a time needs to be in memory. The header (with {@code __metadata__} first)
 * is padded with spaces to a multiple of 8 bytes, as the reference implementation does. Tensors are laid out
 * in the order given. The write is atomic ({@link AtomicFile}).
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    /** One tensor to write: its declared dtype and shape, and a supplier called when its bytes are due. */
    public record Item(String name, DType dtype, int[] shape, Supplier<Tensor> data) {
        public static Item of(String name, Tensor t) { return new Item(name, t.dtype(), t.shape(), () -> t); }
    }

    /** Writes tensors (in map order) and metadata; returns the file size in bytes. */
    public static long write(Path out, Map<String, Tensor> tensors, Map<String, String> metadata) {
        List<Item> items = new ArrayList<>(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) items.add(Item.of(e.getKey(), e.getValue()));
        return write(out, items, metadata);
    }

    public static long write(Path out, Map<String, Tensor> tensors) { return write(out, tensors, Map.of()); }

    /** Writes the items in order; suppliers are called one at a time. Returns the file size in bytes. */
    public static long write(Path out, List<Item> items, Map<String, String> metadata) {
        byte[] header = header(out, items, metadata);
        long[] total = {8L + header.length};
        for (Item it : items) total[0] += (long) Shape.numel(it.shape()) * it.dtype().bytes;
        AtomicFile.write(out, ch -> {
            ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(header.length).put(header).flip();
            while (head.hasRemaining()) ch.write(head);
            ByteBuffer buf = ByteBuffer.allocate(TensorBytes.CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (Item it : items) {
                Tensor t = it.data().get();
                if (t.dtype() != it.dtype() || !Arrays.equals(t.shape(), it.shape()))
                    throw new IOException("tensor '" + it.name() + "' was declared " + it.dtype() + " " + Arrays.toString(it.shape())
                            + " but is " + t.dtype() + " " + Arrays.toString(t.shape()));
                long n = TensorBytes.write(ch, TensorBytes.hostContiguous(t), buf);
                if (n != (long) t.numel() * t.dtype().bytes) throw new IOException("short write of tensor '" + it.name() + "'");
            }
            if (ch.position() != total[0]) throw new IOException("wrote " + ch.position() + " bytes, expected " + total[0]);
        });
        return total[0];
    }

    /** The JSON header bytes, space-padded to a multiple of 8. */
    static byte[] header(Path out, List<Item> items, Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder("{");
        if (metadata != null && !metadata.isEmpty()) {
            Json.quote(sb, "__metadata__");
            sb.append(":{");
            boolean first = true;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) throw new TensorFileException(out, "metadata keys and values must not be null");
                if (!first) sb.append(',');
                first = false;
                Json.quote(sb, e.getKey());
                sb.append(':');
                Json.quote(sb, e.getValue());
            }
            sb.append('}');
        }
        Set<String> seen = new HashSet<>();
        long offset = 0;
        for (Item it : items) {
            if (it.name() == null || it.name().equals("__metadata__")) throw new TensorFileException(out, "bad tensor name '" + it.name() + "'");
            if (!seen.add(it.name())) throw new TensorFileException(out, "duplicate tensor name '" + it.name() + "'");
            long bytes = (long) Shape.numel(it.shape()) * it.dtype().bytes;
            if (sb.length() > 1) sb.append(',');
            Json.quote(sb, it.name());
            sb.append(":{\"dtype\":\"").append(it.dtype().safetensorsName()).append("\",\"shape\":[");
            int[] sh = it.shape();
            for (int k = 0; k < sh.length; k++) sb.append(k == 0 ? "" : ",").append(sh[k]);
            sb.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        sb.append('}');
        byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out8 = Arrays.copyOf(json, padded);
        Arrays.fill(out8, json.length, padded, (byte) ' ');
        return out8;
    }
}
