package ssvae.io;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * PyTorch checkpoints as torch.save writes them (.ckpt/.pt/.pth; torch/serialization.py {@code _save}):
 * {@code <archive>/data.pkl} (the pickled object, storages replaced by persistent ids), {@code <archive>/data/<key>}
 * (raw storage bytes), {@code <archive>/byteorder} ("little"/"big"), {@code <archive>/version}. Read through our own
 * {@link PickleReader}: nothing in the file is executed; unknown classes become {@link PyObject} placeholders.
 * The pre-1.6 non-zip format is read by {@link LegacyTorchFile}.
 */
public final class TorchCheckpoint {
    private TorchCheckpoint() {}

    /** The unpickled object tree: maps, lists, strings, numbers, {@link Tensor}s (CPU views of shared storages), placeholders. */
    public static Object load(Path path) {
        if (checkZip(path) == Kind.LEGACY) return LegacyTorchFile.load(path);
        try (ZipFile zip = new ZipFile(path.toFile())) {
            String prefix = archivePrefix(path, zip);
            ByteOrder order = byteOrder(path, zip, prefix);
            ZipEntry pkl = zip.getEntry(prefix + "data.pkl");
            byte[] pickle;
            try (InputStream in = zip.getInputStream(pkl)) {
                pickle = in.readAllBytes();
            }
            TorchGlobals globals = new TorchGlobals((key, type, numel) -> readStorage(path, zip, prefix, order, key, type, numel));
            try {
                return PickleReader.load(pickle, globals);
            } catch (PickleException e) {
                throw new TensorFileException(path, "data.pkl: " + e.getMessage());
            }
        } catch (ZipException e) {
            throw new TensorFileException(path, "corrupt zip archive (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new TensorFileException(path, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * The state dict: the 'state_dict' entry of a Lightning-style checkpoint, or else the top-level dict. Every value
     * must be a tensor (nothing is flattened); keys keep their order.
     */
    public static LinkedHashMap<String, Tensor> stateDict(Path path) {
        return stateDict(path, load(path));
    }

    /** The state dict of an already loaded tree (path only names the file in errors). */
    public static LinkedHashMap<String, Tensor> stateDict(Path path, Object tree) {
        if (!(tree instanceof Map<?, ?> top))
            throw new TensorFileException(path, "no state dict: the checkpoint holds " + PickleReader.repr(tree, 0) + ", not a dict");
        Map<?, ?> dict = top;
        String where = "the top-level dict";
        if (top.get("state_dict") instanceof Map<?, ?> sd) { dict = sd; where = "'state_dict'"; }
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String k))
                throw new TensorFileException(path, "no state dict: " + where + " has a non-string key " + PickleReader.repr(e.getKey(), 1));
            if (!(e.getValue() instanceof Tensor t))
                throw new TensorFileException(path, "no state dict: entry '" + k + "' of " + where + " is " + PickleReader.repr(e.getValue(), 0)
                        + ", not a tensor (keys: " + PickleReader.repr(dict.keySet(), 1) + ")");
            out.put(k, t);
        }
        return out;
    }

    private enum Kind { ZIP, LEGACY }

    /** Distinguishes missing files, zip checkpoints, legacy (pre-1.6) checkpoints and other files. */
    private static Kind checkZip(Path path) {
        byte[] head = new byte[263];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (NoSuchFileException e) {
            throw new TensorFileException(path, "no such file");
        } catch (IOException e) {
            throw new TensorFileException(path, "cannot read: " + e.getMessage(), e);
        }
        if (n >= 2 && (head[0] & 0xff) == 0x80 && head[1] <= 5) return Kind.LEGACY;
        if (n >= 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar"))
            throw new TensorFileException(path, "tar-format torch.save file (PyTorch < 0.4) is not supported; re-save it with a newer PyTorch");
        if (n < 4 || head[0] != 'P' || head[1] != 'K')
            throw new TensorFileException(path, n == 0 ? "empty file" : "not a PyTorch checkpoint (neither a zip archive nor a legacy torch.save file)");
        return Kind.ZIP;
    }

    /** The archive folder holding data.pkl (torch names it after the file, or "archive"). */
    private static String archivePrefix(Path path, ZipFile zip) {
        String found = null;
        boolean torchScript = false;
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            String name = en.nextElement().getName();
            int slash = name.indexOf('/');
            String rest = slash < 0 ? name : name.substring(slash + 1);
            if (rest.equals("constants.pkl")) torchScript = true;
            if (found == null && rest.equals("data.pkl")) found = slash < 0 ? "" : name.substring(0, slash + 1);
        }
        if (torchScript) throw new TensorFileException(path, "TorchScript archive (torch.jit.save): save the model's state_dict with torch.save instead");
        if (found == null) throw new TensorFileException(path, "missing data.pkl in the zip archive (not a torch.save checkpoint)");
        return found;
    }

    private static ByteOrder byteOrder(Path path, ZipFile zip, String prefix) throws IOException {
        ZipEntry e = zip.getEntry(prefix + "byteorder");
        if (e == null) return ByteOrder.LITTLE_ENDIAN;       // torch.load's default for files without the record
        String s;
        try (InputStream in = zip.getInputStream(e)) {
            s = new String(in.readNBytes(16), java.nio.charset.StandardCharsets.US_ASCII).trim();
        }
        return switch (s) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new TensorFileException(path, "unknown byteorder record '" + s + "'");
        };
    }

    private static TorchStorage readStorage(Path path, ZipFile zip, String prefix, ByteOrder order,
                                            String key, TorchGlobals.StorageType type, long numel) {
        String name = "data/" + key;
        ZipEntry e = zip.getEntry(prefix + name);
        if (e == null) throw new TensorFileException(path, "missing storage record " + name + " in the archive (referenced by data.pkl)");
        if (numel > Integer.MAX_VALUE) throw new TensorFileException(path, "storage " + name + " has " + numel + " elements, more than 2^31-1");
        long need = numel * type.dtype().bytes;
        if (e.getSize() >= 0 && e.getSize() < need)
            throw new TensorFileException(path, "storage record " + name + " holds " + e.getSize() + " bytes, fewer than the " + need
                    + " bytes of its " + numel + " " + type.name() + " elements (truncated?)");
        try (InputStream in = zip.getInputStream(e)) {
            CpuStorage s = TensorBytes.read(in, type.dtype(), (int) numel, order);
            return new TorchStorage(key, type.name(), type.dtype(), s);
        } catch (IOException ex) {
            throw new TensorFileException(path, "cannot read storage record " + name + ": " + ex.getMessage(), ex);
        }
    }
}
