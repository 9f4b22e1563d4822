package ssvae.io;

import ssvae.tensor.DType;
import ssvae.tensor.Tensor;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The closed set of Python globals a PyTorch checkpoint may name that we give meaning to, each implemented in
 * Java (mirroring torch/_utils.py and torch/serialization.py's _load); everything else stays an inert name.
 * Storage records are fetched through the given loader when a persistent id names them.
 */
final class TorchGlobals implements PickleReader.Globals {

    /** torch.XStorage classes as a persistent id's storage_type; their Python element types. */
    record StorageType(String name, DType dtype) {
        @Override public String toString() { return "torch." + name; }
    }

    /** Loads storage {@code data/<key>} with the given element type and count. */
    interface StorageLoader { TorchStorage load(String key, StorageType type, long numel); }

    private final StorageLoader loader;
    private final Map<String, TorchStorage> loaded = new LinkedHashMap<>();

    TorchGlobals(StorageLoader loader) { this.loader = loader; }

    private static final Map<String, DType> STORAGES = Map.of(
            "FloatStorage", DType.F32, "DoubleStorage", DType.F64, "HalfStorage", DType.F16, "BFloat16Storage", DType.BF16,
            "LongStorage", DType.I64, "IntStorage", DType.I32, "ByteStorage", DType.U8, "BoolStorage", DType.BOOL,
            "UntypedStorage", DType.U8);

    @Override public Object resolve(String module, String name) {
        String mod = module.equals("torch.tensor") ? "torch._tensor" : module;   // torch.load's load_module_mapping
        switch (mod + "." + name) {
            case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor":
                return (PickleReader.PyCallable) TorchGlobals::rebuildTensor;
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
                return (PickleReader.PyCallable) args -> {
                    if (args.isEmpty() || !(args.get(0) instanceof Tensor t)) throw new PickleException(name + " expects a tensor, got " + PickleReader.repr(args, 2));
                    return t;
                };
            case "torch._tensor._rebuild_from_type_v2":
                // (func, new_type, args, state): rebuild with func, keep our plain tensor type
                return (PickleReader.PyCallable) args -> {
                    if (args.size() < 3 || !(args.get(2) instanceof List<?> a)) throw new PickleException("_rebuild_from_type_v2: bad arguments");
                    Object f = args.get(0);
                    @SuppressWarnings("unchecked") List<Object> fa = (List<Object>) a;
                    if (f instanceof PickleReader.PyCallable c) return c.call(fa);
                    PyGlobal g = (PyGlobal) f;
                    return new PyObject(g.module(), g.name(), fa);
                };
            case "collections.OrderedDict":
                return (PickleReader.PyCallable) args -> {
                    Map<Object, Object> m = new LinkedHashMap<>();
                    if (!args.isEmpty() && args.get(0) instanceof List<?> pairs)
                        for (Object p : pairs) if (p instanceof List<?> kv && kv.size() == 2) m.put(kv.get(0), kv.get(1));
                    return m;
                };
            case "torch.Size":
                return (PickleReader.PyCallable) args -> args.isEmpty() ? List.of() : args.get(0);
            case "_codecs.encode":
                // protocol 2 spelling of Python 3 bytes: _codecs.encode(str, 'latin1')
                return (PickleReader.PyCallable) args -> {
                    String s = (String) args.get(0);
                    String enc = args.size() > 1 ? String.valueOf(args.get(1)).toLowerCase() : "utf-8";
                    return s.getBytes(enc.equals("latin1") || enc.equals("latin-1") || enc.equals("iso-8859-1") ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
                };
            case "builtins.set", "builtins.frozenset", "__builtin__.set", "__builtin__.frozenset":
                return (PickleReader.PyCallable) args -> args.isEmpty() ? new LinkedHashSet<>() : new LinkedHashSet<>((List<?>) args.get(0));
            case "builtins.bytearray", "__builtin__.bytearray":
                return (PickleReader.PyCallable) args -> args.isEmpty() ? new byte[0]
                        : args.get(0) instanceof byte[] b ? b : ((String) args.get(0)).getBytes(StandardCharsets.ISO_8859_1);
            case "copyreg._reconstructor", "copy_reg._reconstructor":
                // copyreg._reconstructor(cls, base, state): an instance of cls; inert placeholder for unknown cls
                return (PickleReader.PyCallable) args -> {
                    if (args.isEmpty() || !(args.get(0) instanceof PyGlobal g)) throw new PickleException("_reconstructor: unknown class " + PickleReader.repr(args, 1));
                    return new PyObject(g.module(), g.name(), args.size() > 2 && args.get(2) != null ? List.of(args.get(2)) : List.of());
                };
            default:
                if (mod.equals("torch") && STORAGES.containsKey(name)) return new StorageType(name, STORAGES.get(name));
                return null;
        }
    }

    /**
     * persistent_load of torch.serialization: zip files use ('storage', storage_type, key, location, numel);
     * legacy files add view_metadata (None or (view_key, offset, view_size)) and may name module classes
     * ('module', cls, source_file, source), which load as the class name only.
     */
    @Override public Object persistentLoad(Object pid) {
        if (!(pid instanceof List<?> t) || t.isEmpty())
            throw new PickleException("unexpected persistent id " + PickleReader.repr(pid, 2) + " (expected ('storage', type, key, location, numel))");
        Object tag = t.get(0) instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : t.get(0);
        if ("module".equals(tag) && t.size() == 4) return t.get(1);
        if (!"storage".equals(tag) || (t.size() != 5 && t.size() != 6))
            throw new PickleException("unexpected persistent id " + PickleReader.repr(pid, 2) + " (expected ('storage', type, key, location, numel))");
        Object type = t.get(1);
        if (!(type instanceof StorageType st))
            throw new PickleException("unsupported storage type " + type + " (supported: " + String.join(", ", new java.util.TreeSet<>(STORAGES.keySet())) + ")");
        String key = text(t.get(2));
        if (!(t.get(4) instanceof Long numel) || numel < 0) throw new PickleException("storage " + key + " has a bad element count " + PickleReader.repr(t.get(4), 1));
        TorchStorage s = loaded.get(key);
        if (s == null) {
            s = loader.load(key, st, numel);
            loaded.put(key, s);
        } else if (s.dtype() != st.dtype()) {
            throw new PickleException("storage " + key + " is used as both " + s.typeName() + " and " + st.name());
        }
        if (t.size() == 6 && t.get(5) instanceof List<?> view) {
            // legacy storage view: elements [offset, offset + size) of the root storage
            if (view.size() != 3 || !(view.get(1) instanceof Long off) || !(view.get(2) instanceof Long len) || off < 0 || len < 0 || off + len > s.length())
                throw new PickleException("bad storage view " + PickleReader.repr(view, 1) + " of storage " + key + " (" + s.length() + " elements)");
            String viewKey = text(view.get(0));
            TorchStorage v = loaded.get(viewKey);
            if (v == null) {
                v = new TorchStorage(viewKey, s.typeName(), s.dtype(), s.data(), s.base() + (int) (long) off, (int) (long) len);
                loaded.put(viewKey, v);
            }
            return v;
        }
        return s;
    }

    private static String text(Object o) { return o instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : String.valueOf(o); }

    /** Distinct storages read so far (each once). */
    int storagesLoaded() { return loaded.size(); }

    /** torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
    private static Object rebuildTensor(List<Object> args) {
        if (args.size() < 4) throw new PickleException("_rebuild_tensor_v2 expects at least 4 arguments, got " + args.size());
        if (!(args.get(0) instanceof TorchStorage st)) throw new PickleException("_rebuild_tensor_v2: first argument is not a storage but " + PickleReader.repr(args.get(0), 1));
        long offset = toLong(args.get(1), "storage_offset");
        int[] size = ints(args.get(2), "size");
        int[] stride = ints(args.get(3), "stride");
        if (size.length != stride.length) throw new PickleException("tensor size " + PickleReader.repr(args.get(2), 1) + " and stride " + PickleReader.repr(args.get(3), 1) + " differ in rank");
        long numel = 1, last = offset;
        for (int d = 0; d < size.length; d++) {
            numel *= size[d];
            last += (long) (size[d] - 1) * stride[d];
        }
        if (numel > Integer.MAX_VALUE) throw new PickleException("tensor of " + numel + " elements is larger than 2^31-1");
        if (offset < 0 || (numel > 0 && last >= st.length()) || (numel == 0 && offset > st.length()))
            throw new PickleException("tensor view (offset " + offset + ", size " + PickleReader.repr(args.get(2), 1) + ", stride "
                    + PickleReader.repr(args.get(3), 1) + ") reaches beyond storage " + st.key() + " of " + st.length() + " elements");
        return new Tensor(st.data(), size, stride, st.base() + (int) offset);
    }

    private static long toLong(Object o, String what) {
        if (o instanceof Long l) return l;
        throw new PickleException("tensor " + what + " is not an integer: " + PickleReader.repr(o, 1));
    }

    private static int[] ints(Object o, String what) {
        if (!(o instanceof List<?> l)) throw new PickleException("tensor " + what + " is not a tuple: " + PickleReader.repr(o, 1));
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) {
            long v = toLong(l.get(i), what);
            if (v < 0 || v > Integer.MAX_VALUE) throw new PickleException("tensor " + what + " " + PickleReader.repr(o, 1) + " has an out-of-range entry");
            r[i] = (int) v;
        }
        return r;
    }
}
