package ssvae.io;

import ssvae.tensor.CpuStorage;

import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The torch.save format before PyTorch 1.6 (torch/serialization.py {@code _legacy_save}), still used by old
 * model-zoo weights (torchvision VGG16, LPIPS): five pickles in a row (magic number, protocol version 1001,
 * sys_info, the object with storages as persistent ids ('storage', type, key, location, numel, view_metadata),
 * the sorted storage keys), then each storage in key order as an int64 element count and its raw bytes.
 */
final class LegacyTorchFile {
    static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    static final long PROTOCOL_VERSION = 1001;
    /** The pickles are read from a prefix of the file, grown until they fit (they hold no tensor data). */
    private static final int FIRST_WINDOW = 1 << 20, MAX_WINDOW = 1 << 30;

    private LegacyTorchFile() {}

    static Object load(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            int window = (int) Math.min(size, FIRST_WINDOW);
            while (true) {
                ByteBuffer head = ByteBuffer.allocate(window);
                while (head.hasRemaining() && ch.read(head, head.position()) >= 0) { /* fill */ }
                try {
                    return parse(path, ch, head.array());
                } catch (PickleException e) {
                    if (e.truncated() && window < size && window < MAX_WINDOW) {
                        window = (int) Math.min(Math.min(size, MAX_WINDOW), (long) window * 4);
                        continue;
                    }
                    throw new TensorFileException(path, "legacy torch.save file: " + e.getMessage());
                }
            }
        } catch (EOFException e) {
            throw new TensorFileException(path, "truncated legacy torch.save file (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new TensorFileException(path, "cannot read: " + e.getMessage(), e);
        }
    }

    private static Object parse(Path path, FileChannel ch, byte[] head) throws IOException {
        PickleReader.Loaded magic = PickleReader.loadAt(head, 0, PickleReader.NONE);
        if (!MAGIC.equals(magic.value()))
            throw new TensorFileException(path, "not a torch.save file (a pickle without the torch magic number)");
        PickleReader.Loaded version = PickleReader.loadAt(head, magic.end(), PickleReader.NONE);
        if (!Long.valueOf(PROTOCOL_VERSION).equals(version.value()))
            throw new TensorFileException(path, "unsupported legacy torch.save protocol version " + PickleReader.repr(version.value(), 0));
        PickleReader.Loaded sysInfo = PickleReader.loadAt(head, version.end(), PickleReader.NONE);
        ByteOrder order = sysInfo.value() instanceof Map<?, ?> m && Boolean.FALSE.equals(m.get("little_endian"))
                ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

        Map<String, TorchStorage> pending = new LinkedHashMap<>();
        TorchGlobals globals = new TorchGlobals((key, type, numel) -> {
            if (numel > Integer.MAX_VALUE) throw new PickleException("storage " + key + " has " + numel + " elements, more than 2^31-1");
            TorchStorage s = new TorchStorage(key, type.name(), type.dtype(), new CpuStorage(type.dtype(), (int) numel));
            pending.put(key, s);
            return s;
        });
        PickleReader.Loaded obj = PickleReader.loadAt(head, sysInfo.end(), globals);
        PickleReader.Loaded keys = PickleReader.loadAt(head, obj.end(), PickleReader.NONE);
        if (!(keys.value() instanceof List<?> keyList))
            throw new TensorFileException(path, "corrupt legacy torch.save file: the storage key list is " + PickleReader.repr(keys.value(), 0));

        long pos = keys.end();
        ByteBuffer count = ByteBuffer.allocate(8).order(order);
        for (Object k : keyList) {
            String key = String.valueOf(k);
            TorchStorage st = pending.remove(key);
            if (st == null) throw new TensorFileException(path, "corrupt legacy torch.save file: storage " + key + " has data but no tensor refers to it");
            count.clear();
            while (count.hasRemaining()) if (ch.read(count, pos + count.position()) < 0) throw new EOFException("storage " + key + " is cut off");
            long n = count.flip().getLong();
            if (n != st.data().numel())
                throw new TensorFileException(path, "corrupt legacy torch.save file: storage " + key + " records " + n + " elements, the pickle says " + st.data().numel());
            TensorBytes.readInto(ch, pos + 8, st.data(), order);
            pos += 8 + n * st.dtype().bytes;
        }
        if (!pending.isEmpty())
            throw new TensorFileException(path, "corrupt legacy torch.save file: no data for storage " + pending.keySet().iterator().next());
        return obj.value();
    }
}
