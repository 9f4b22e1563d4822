package ssvae.io;

import ssvae.tensor.Tensor;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A safe unpickler for protocols 0-5 (opcodes as defined in CPython's Lib/pickle.py and pickletools.py).
 * Python values map to Java: None -> null, bool -> Boolean, int -> Long (BigInteger when wider), float -> Double,
 * str -> String, bytes/bytearray -> byte[], list -> ArrayList, tuple -> unmodifiable List, dict -> LinkedHashMap,
 * set/frozenset -> LinkedHashSet.
 *
 * Security: GLOBAL/STACK_GLOBAL never import anything. Each name goes to {@link Globals#resolve}, which returns
 * one of a closed set of Java functions ({@link PyCallable}) or null; unknown names stay inert {@link PyGlobal}s
 * and calling them (REDUCE, NEWOBJ, INST, OBJ) only records a {@link PyObject} placeholder. Lengths are checked
 * against the bytes actually present before anything is allocated.
 */
public final class PickleReader {

    /** A Python callable the reader knows, implemented in Java (e.g. torch._utils._rebuild_tensor_v2). */
    @FunctionalInterface
    public interface PyCallable { Object call(List<Object> args); }

    /** Maps global names and persistent ids to Java values. */
    public interface Globals {
        /** A value for module.name (often a {@link PyCallable}), or null to keep the name as an inert {@link PyGlobal}. */
        Object resolve(String module, String name);
        /** The object for a persistent id (BINPERSID / PERSID). */
        default Object persistentLoad(Object pid) { throw new PickleException("unexpected persistent id " + repr(pid, 2)); }
    }

    /** Resolves nothing: every global stays a name. */
    public static final Globals NONE = (m, n) -> null;

    private static final Object MARK = new Object() { @Override public String toString() { return "<mark>"; } };

    private final byte[] data;
    private final Globals globals;
    private int pos;
    private final ArrayList<Object> stack = new ArrayList<>();
    private int[] marks = new int[16];
    private int nMarks;
    private final Map<Integer, Object> memo = new HashMap<>();

    private PickleReader(byte[] data, int start, Globals globals) { this.data = data; this.pos = start; this.globals = globals; }

    /** Unpickles one object from the start of data. */
    public static Object load(byte[] data, Globals globals) {
        return new PickleReader(data, 0, globals).run();
    }

    /** One unpickled value and the offset just past its STOP opcode. */
    public record Loaded(Object value, int end) {}

    /** Unpickles one object starting at byte start (for files holding several pickles in a row). */
    public static Loaded loadAt(byte[] data, int start, Globals globals) {
        PickleReader r = new PickleReader(data, start, globals);
        Object v = r.run();
        return new Loaded(v, r.pos);
    }

    public static Object load(byte[] data) { return load(data, NONE); }

    private Object run() {
        while (true) {
            if (pos >= data.length) throw new PickleException("truncated pickle: no STOP opcode after " + data.length + " bytes", true);
            int at = pos;
            int op = data[pos++] & 0xff;
            try {
                if (op == '.') {
                    if (stack.size() != 1 || nMarks != 0) throw new PickleException("malformed pickle: STOP with " + stack.size() + " values on the stack");
                    return stack.get(0);
                }
                step(op);
            } catch (PickleException e) {
                throw e;
            } catch (IndexOutOfBoundsException | ClassCastException | ArithmeticException | NumberFormatException e) {
                throw new PickleException("malformed pickle at byte " + at + " (opcode " + opName(op) + "): " + e.getMessage());
            }
        }
    }

    private void step(int op) {
        switch (op) {
            // ---- framing and protocol
            case 0x80 -> { int p = u8(); if (p > 5) throw new PickleException("unsupported pickle protocol " + p); }
            case 0x95 -> need(8, "FRAME").skip(8);          // frames only group bytes; the data is contiguous here
            // ---- marks and stack
            case '(' -> pushMark();
            case '0' -> pop();
            case '1' -> popMark();
            case '2' -> push(peek());
            // ---- constants
            case 'N' -> push(null);
            case 0x88 -> push(Boolean.TRUE);
            case 0x89 -> push(Boolean.FALSE);
            // ---- integers
            case 'J' -> push((long) i32());
            case 'K' -> push((long) u8());
            case 'M' -> push((long) u16());
            case 0x8a -> push(longBytes(u8()));
            case 0x8b -> { int n = i32(); if (n < 0) throw new PickleException("negative LONG4 length"); push(longBytes(n)); }
            case 'I' -> {
                String s = line();
                if (s.equals("00")) push(Boolean.FALSE);
                else if (s.equals("01")) push(Boolean.TRUE);
                else push(Long.parseLong(s));
            }
            case 'L' -> {
                String s = line();
                if (s.endsWith("L")) s = s.substring(0, s.length() - 1);
                BigInteger b = new BigInteger(s);
                push(b.bitLength() < 64 ? (Object) b.longValue() : b);
            }
            // ---- floats
            case 'G' -> { need(8, "BINFLOAT"); long bits = 0; for (int k = 0; k < 8; k++) bits = (bits << 8) | (data[pos++] & 0xff); push(Double.longBitsToDouble(bits)); }
            case 'F' -> push(parseFloat(line()));
            // ---- strings and bytes
            case 'X' -> push(utf8(len32()));
            case 0x8c -> push(utf8(u8()));
            case 0x8d -> push(utf8(len64()));
            case 'V' -> push(unescapeRawUnicode(line()));
            case 'T' -> push(utf8(len32()));                 // Python 2 str, decoded like torch.load(encoding='utf-8')
            case 'U' -> push(utf8(u8()));
            case 'S' -> push(unquote(line()));
            case 'B' -> push(bytes(len32()));
            case 'C' -> push(bytes(u8()));
            case 0x8e, 0x96 -> push(bytes(len64()));
            case 0x97 -> throw new PickleException("out-of-band buffers (NEXT_BUFFER) are not supported");
            case 0x98 -> { /* READONLY_BUFFER: no-op on our copies */ }
            // ---- containers
            case ')' -> push(tuple(List.of()));
            case 0x85 -> push(tuple(Collections.singletonList(pop())));
            case 0x86 -> { Object b = pop(), a = pop(); push(tuple(Arrays.asList(a, b))); }
            case 0x87 -> { Object c = pop(), b = pop(), a = pop(); push(tuple(Arrays.asList(a, b, c))); }
            case 't' -> push(tuple(popMark()));
            case ']' -> push(new ArrayList<>());
            case 'l' -> push(new ArrayList<>(popMark()));
            case '}' -> push(new LinkedHashMap<>());
            case 'd' -> { List<Object> kv = popMark(); Map<Object, Object> m = new LinkedHashMap<>(); putPairs(m, kv); push(m); }
            case 0x8f -> push(new LinkedHashSet<>());
            case 0x91 -> push(Collections.unmodifiableSet(new LinkedHashSet<>(popMark())));
            case 'a' -> { Object v = pop(); append(peek(), Collections.singletonList(v)); }
            case 'e' -> { List<Object> vs = popMark(); append(peek(), vs); }
            case 's' -> { Object v = pop(), k = pop(); setItems(peek(), Arrays.asList(k, v)); }
            case 'u' -> { List<Object> kv = popMark(); setItems(peek(), kv); }
            case 0x90 -> {
                List<Object> vs = popMark();
                if (!(peek() instanceof Set<?> s) || s.getClass() != LinkedHashSet.class) throw new PickleException("ADDITEMS on a non-set");
                @SuppressWarnings("unchecked") Set<Object> set = (Set<Object>) s;
                set.addAll(vs);
            }
            // ---- memo
            case 'p' -> memo.put(Integer.parseInt(line()), peek());
            case 'q' -> memo.put(u8(), peek());
            case 'r' -> memo.put(i32(), peek());
            case 0x94 -> memo.put(memo.size(), peek());
            case 'g' -> push(memoGet(Integer.parseInt(line())));
            case 'h' -> push(memoGet(u8()));
            case 'j' -> push(memoGet(i32()));
            // ---- globals and objects (never executed: see class comment)
            case 'c' -> { String module = line(), name = line(); push(global(module, name)); }
            case 0x93 -> {
                Object name = pop(), module = pop();
                if (!(module instanceof String m) || !(name instanceof String n)) throw new PickleException("STACK_GLOBAL needs two strings");
                push(global(m, n));
            }
            case 'R' -> { Object args = pop(), f = pop(); push(call(f, asArgs(args), "REDUCE")); }
            case 0x81 -> { Object args = pop(), cls = pop(); push(call(cls, asArgs(args), "NEWOBJ")); }
            case 0x92 -> {
                Object kwargs = pop(), args = pop(), cls = pop();
                List<Object> a = new ArrayList<>(asArgs(args));
                if (kwargs instanceof Map<?, ?> kw && !kw.isEmpty()) a.add(kwargs);
                push(call(cls, a, "NEWOBJ_EX"));
            }
            case 'i' -> { String module = line(), name = line(); push(call(global(module, name), popMark(), "INST")); }
            case 'o' -> {
                List<Object> items = popMark();
                if (items.isEmpty()) throw new PickleException("OBJ without a class");
                push(call(items.get(0), new ArrayList<>(items.subList(1, items.size())), "OBJ"));
            }
            case 'b' -> {
                Object state = pop();
                Object target = peek();
                if (target instanceof PyObject o) o.setState(state);
                // BUILD on dicts (OrderedDict instance attributes such as state_dict._metadata), tensors and
                // other known values sets Python attributes that have no Java counterpart: they are dropped.
            }
            case 'Q' -> push(globals.persistentLoad(pop()));
            case 'P' -> push(globals.persistentLoad(line()));
            case 0x82, 0x83, 0x84 -> throw new PickleException("the copyreg extension registry (EXT1/2/4) is not supported");
            default -> throw new PickleException("invalid pickle opcode 0x" + Integer.toHexString(op) + " at byte " + (pos - 1) + " (corrupt data?)");
        }
    }

    // ------------------------------------------------------------------ objects

    private Object global(String module, String name) {
        Object v = globals.resolve(module, name);
        return v != null ? v : new PyGlobal(module, name);
    }

    private static Object call(Object f, List<Object> args, String how) {
        if (f instanceof PyCallable c) return c.call(args);
        if (f instanceof PyGlobal g) return new PyObject(g.module(), g.name(), args);
        throw new PickleException(how + " on a non-callable " + repr(f, 1));
    }

    private static List<Object> asArgs(Object args) {
        if (args instanceof List<?> l) {
            @SuppressWarnings("unchecked") List<Object> a = (List<Object>) l;
            return a;
        }
        if (args == null) return List.of();
        throw new PickleException("call arguments are not a tuple but " + repr(args, 1));
    }

    private static void append(Object target, List<Object> values) {
        if (target instanceof ArrayList<?> l) {
            @SuppressWarnings("unchecked") ArrayList<Object> list = (ArrayList<Object>) l;
            list.addAll(values);
        } else if (target instanceof PyObject o) {
            o.elements().addAll(values);
        } else if (target instanceof LinkedHashSet<?> s) {
            @SuppressWarnings("unchecked") Set<Object> set = (Set<Object>) s;
            set.addAll(values);
        } else {
            throw new PickleException("APPEND to a non-list " + repr(target, 1));
        }
    }

    private static void setItems(Object target, List<Object> kv) {
        if (target instanceof LinkedHashMap<?, ?> m) {
            @SuppressWarnings("unchecked") Map<Object, Object> map = (Map<Object, Object>) m;
            putPairs(map, kv);
        } else if (target instanceof PyObject o) {
            putPairs(o.items(), kv);
        } else {
            throw new PickleException("SETITEM on a non-dict " + repr(target, 1));
        }
    }

    private static void putPairs(Map<Object, Object> m, List<Object> kv) {
        if (kv.size() % 2 != 0) throw new PickleException("odd number of items for a dict");
        for (int k = 0; k < kv.size(); k += 2) m.put(kv.get(k), kv.get(k + 1));
    }

    private static List<Object> tuple(List<Object> items) { return Collections.unmodifiableList(new ArrayList<>(items)); }

    // ------------------------------------------------------------------ stack

    private void push(Object o) { stack.add(o); }

    private Object pop() {
        int n = stack.size();
        if (n == 0 || (nMarks > 0 && n <= marks[nMarks - 1])) throw new PickleException("malformed pickle: stack underflow at byte " + (pos - 1));
        return stack.remove(n - 1);
    }

    private Object peek() {
        int n = stack.size();
        if (n == 0 || (nMarks > 0 && n <= marks[nMarks - 1])) throw new PickleException("malformed pickle: empty stack at byte " + (pos - 1));
        return stack.get(n - 1);
    }

    private void pushMark() {
        if (nMarks == marks.length) marks = Arrays.copyOf(marks, nMarks * 2);
        marks[nMarks++] = stack.size();
    }

    private List<Object> popMark() {
        if (nMarks == 0) throw new PickleException("malformed pickle: no MARK before byte " + (pos - 1));
        int from = marks[--nMarks];
        List<Object> sub = new ArrayList<>(stack.subList(from, stack.size()));
        stack.subList(from, stack.size()).clear();
        return sub;
    }

    private Object memoGet(int key) {
        if (!memo.containsKey(key)) throw new PickleException("malformed pickle: memo key " + key + " was never stored");
        return memo.get(key);
    }

    // ------------------------------------------------------------------ bytes

    private PickleReader need(long n, String what) {
        if (n < 0 || n > data.length - pos)
            throw new PickleException("truncated pickle: " + what + " needs " + n + " bytes at byte " + pos + " but only " + (data.length - pos) + " remain", true);
        return this;
    }

    private void skip(int n) { pos += n; }

    private int u8() { need(1, "an argument"); return data[pos++] & 0xff; }

    private int u16() { need(2, "an argument"); int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8; pos += 2; return v; }

    private int i32() {
        need(4, "an argument");
        int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8 | (data[pos + 2] & 0xff) << 16 | (data[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    private int len32() {
        long n = i32() & 0xffffffffL;
        need(n, "a string");
        return (int) n;
    }

    private int len64() {
        need(8, "a length");
        long n = 0;
        for (int k = 7; k >= 0; k--) n = (n << 8) | (data[pos + k] & 0xff);
        pos += 8;
        need(n, "a string");
        return (int) n;
    }

    private String utf8(int n) {
        need(n, "a string");
        String s = new String(data, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    private byte[] bytes(int n) {
        need(n, "bytes");
        byte[] b = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return b;
    }

    /** Two's-complement little-endian integer of n bytes (LONG1 / LONG4). */
    private Object longBytes(int n) {
        need(n, "a long");
        if (n == 0) return 0L;
        byte[] be = new byte[n];
        for (int k = 0; k < n; k++) be[k] = data[pos + n - 1 - k];
        pos += n;
        BigInteger b = new BigInteger(be);
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    /** A text argument up to the next newline (protocol 0 opcodes). */
    private String line() {
        int end = pos;
        while (end < data.length && data[end] != '\n') end++;
        if (end >= data.length) throw new PickleException("truncated pickle: unterminated text argument at byte " + pos, true);
        String s = new String(data, pos, end - pos, StandardCharsets.ISO_8859_1);   // raw-unicode-escape / ASCII
        pos = end + 1;
        return s;
    }

    /** Protocol 0 STRING: a Python repr of a str, 'abc' or "abc", with backslash escapes. */
    private static String unquote(String s) {
        if (s.length() < 2 || (s.charAt(0) != '\'' && s.charAt(0) != '"') || s.charAt(s.length() - 1) != s.charAt(0))
            throw new PickleException("malformed STRING argument");
        return unescape(s.substring(1, s.length() - 1), false);
    }

    private static String unescapeRawUnicode(String s) { return unescape(s, true); }

    private static String unescape(String s, boolean rawUnicode) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c != '\\' || k + 1 >= s.length()) { sb.append(c); continue; }
            char e = s.charAt(++k);
            switch (e) {
                case 'u' -> { sb.append((char) Integer.parseInt(s.substring(k + 1, k + 5), 16)); k += 4; }
                case 'U' -> { sb.appendCodePoint(Integer.parseInt(s.substring(k + 1, k + 9), 16)); k += 8; }
                default -> {
                    if (rawUnicode) { sb.append('\\').append(e); continue; }
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'x' -> { sb.append((char) Integer.parseInt(s.substring(k + 1, k + 3), 16)); k += 2; }
                        default -> sb.append(e);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** Protocol 0 FLOAT: Python's repr of a float, including inf, -inf and nan. */
    private static double parseFloat(String s) {
        return switch (s.strip()) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan", "-nan" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }

    private static String opName(int op) {
        return op >= 0x20 && op < 0x7f ? "'" + (char) op + "'" : "0x" + Integer.toHexString(op);
    }

    // ------------------------------------------------------------------ display

    /** A short, Python-like rendering of an unpickled value for messages (depth-limited). */
    public static String repr(Object o, int depth) {
        if (o == null) return "None";
        if (o instanceof String s) return "'" + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + "'";
        if (o instanceof Boolean b) return b ? "True" : "False";
        if (o instanceof byte[] b) return "b<" + b.length + " bytes>";
        if (o instanceof Tensor t) return "tensor(" + t.dtype() + " " + Arrays.toString(t.shape()) + ")";
        if (o instanceof PyObject p) return depth <= 0 ? p.qualifiedName() + "(...)" : p.toString();
        if (o instanceof Map<?, ?> m) {
            if (depth <= 0) return "{...}";
            StringBuilder sb = new StringBuilder("{");
            int k = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (k++ == 8) { sb.append(", ... (").append(m.size()).append(" items)"); break; }
                sb.append(k == 1 ? "" : ", ").append(repr(e.getKey(), depth - 1)).append(": ").append(repr(e.getValue(), depth - 1));
            }
            return sb.append('}').toString();
        }
        if (o instanceof Collection<?> c) {
            boolean tuple = !(c instanceof ArrayList<?>) && c instanceof List<?>;
            if (depth <= 0) return tuple ? "(...)" : "[...]";
            StringBuilder sb = new StringBuilder(tuple ? "(" : c instanceof Set<?> ? "{" : "[");
            int k = 0;
            for (Object v : c) {
                if (k++ == 8) { sb.append(", ... (").append(c.size()).append(" items)"); break; }
                sb.append(k == 1 ? "" : ", ").append(repr(v, depth - 1));
            }
            if (tuple && c.size() == 1) sb.append(',');
            return sb.append(tuple ? ")" : c instanceof Set<?> ? "}" : "]").toString();
        }
        return String.valueOf(o);
    }
}
