package ssvae.cli;

import ssvae.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a Lightning-style torch.save zip ({'state_dict': OrderedDict(name: float32 tensor), 'epoch': 3}) byte by
 * byte with a protocol-2 pickle, one storage per tensor, so CLI tests need no PyTorch.
 */
final class TorchZipFixture {
    private TorchZipFixture() {}

    static void write(Path file, Map<String, Tensor> stateDict) throws IOException {
        ByteArrayOutputStream pk = new ByteArrayOutputStream();
        pk.write(new byte[] {(byte) 0x80, 2, '}', '('});
        str(pk, "state_dict");
        pk.write("ccollections\nOrderedDict\n".getBytes(StandardCharsets.US_ASCII));
        pk.write(new byte[] {')', 'R', '('});
        int key = 0;
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
            for (var e : stateDict.entrySet()) {
                Tensor t = e.getValue().contiguous();
                float[] v = t.toFloatArray();
                str(pk, e.getKey());
                tensor(pk, String.valueOf(key), v.length, t.shape());
                ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) b.putFloat(f);
                entry(z, "archive/data/" + key, b.array());
                key++;
            }
            pk.write('u');
            str(pk, "epoch");
            pk.write(new byte[] {'K', 3, 'u', '.'});
            entry(z, "archive/data.pkl", pk.toByteArray());
            entry(z, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            entry(z, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void str(ByteArrayOutputStream b, String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        b.write('X');
        integer(b, u.length);
        b.writeBytes(u);
    }

    /** BININT: 4-byte little-endian signed. */
    private static void int4(ByteArrayOutputStream b, int v) {
        b.write('J');
        integer(b, v);
    }

    private static void integer(ByteArrayOutputStream b, int v) {
        b.write(v & 0xff);
        b.write((v >>> 8) & 0xff);
        b.write((v >>> 16) & 0xff);
        b.write((v >>> 24) & 0xff);
    }

    /** torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, {}) with a contiguous stride. */
    private static void tensor(ByteArrayOutputStream b, String key, int numel, int[] size) {
        b.writeBytes("ctorch._utils\n_rebuild_tensor_v2\n".getBytes(StandardCharsets.US_ASCII));
        b.write('(');
        b.write('(');
        str(b, "storage");
        b.writeBytes("ctorch\nFloatStorage\n".getBytes(StandardCharsets.US_ASCII));
        str(b, key);
        str(b, "cpu");
        int4(b, numel);
        b.write('t');
        b.write('Q');
        int4(b, 0);
        b.write('(');
        for (int s : size) int4(b, s);
        b.write('t');
        b.write('(');
        int stride = 1;
        int[] strides = new int[size.length];
        for (int i = size.length - 1; i >= 0; i--) { strides[i] = stride; stride *= size[i]; }
        for (int s : strides) int4(b, s);
        b.write('t');
        b.write(0x89);
        b.write('}');
        b.write('t');
        b.write('R');
    }

    private static void entry(ZipOutputStream z, String name, byte[] data) throws IOException {
        z.putNextEntry(new ZipEntry(name));
        z.write(data);
        z.closeEntry();
    }
}
