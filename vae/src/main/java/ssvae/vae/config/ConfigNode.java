package ssvae.vae.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A mapping of a YAML config with its dotted path and file name, typed getters whose errors name the key and the
 * file, and a record of which keys were read: {@link #unread()} lists every key nothing consumed (unknown keys).
 */
public final class ConfigNode {
    private final JsonNode node;
    private final String path;
    private final String file;
    private final Set<String> read;

    ConfigNode(JsonNode node, String path, String file, Set<String> read) {
        if (!node.isObject()) throw new ConfigException(file, path, "expected a mapping, got " + kind(node));
        this.node = node; this.path = path; this.file = file; this.read = read;
    }

    /** A reader over a raw section handed out by ConfigFile (loss_config, lightning, data), tracking its own reads. */
    public static ConfigNode of(JsonNode node, String path, String file) { return new ConfigNode(node, path, file, new java.util.HashSet<>()); }

    public String path() { return path; }
    public String file() { return file; }

    private String key(String k) { return path.isEmpty() ? k : path + "." + k; }

    public boolean has(String k) { return node.has(k) && !node.get(k).isNull(); }

    /** The raw node, marking the whole subtree as read (for sections handed to their owners as they are). */
    public JsonNode raw(String k) {
        markTree(key(k), node.get(k));
        return node.get(k);
    }

    private void markTree(String p, JsonNode n) {
        read.add(p);
        if (n != null && n.isObject()) for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) { String f = it.next(); markTree(p + "." + f, n.get(f)); }
    }

    private JsonNode take(String k) {
        read.add(key(k));
        JsonNode v = node.get(k);
        return v == null || v.isNull() ? null : v;
    }

    public ConfigException error(String k, String msg) { return new ConfigException(file, key(k), msg); }

    public ConfigNode child(String k) {
        JsonNode v = take(k);
        if (v == null) throw error(k, "missing section");
        if (!v.isObject()) throw error(k, "expected a mapping, got " + kind(v));
        return new ConfigNode(v, key(k), file, read);
    }

    public ConfigNode childOrNull(String k) { return has(k) ? child(k) : markAbsent(k); }

    private ConfigNode markAbsent(String k) { read.add(key(k)); return null; }

    public String string(String k, String def) {
        JsonNode v = take(k);
        if (v == null) { if (def == null) throw error(k, "required key is missing"); return def; }
        if (!v.isValueNode()) throw error(k, "expected a string, got " + kind(v));
        return v.asText();
    }

    public int integer(String k, Integer def) {
        JsonNode v = take(k);
        if (v == null) { if (def == null) throw error(k, "required key is missing"); return def; }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw error(k, "expected an integer, got " + show(v));
        return v.intValue();
    }

    public double number(String k, Double def) {
        JsonNode v = take(k);
        if (v == null) { if (def == null) throw error(k, "required key is missing"); return def; }
        if (v.isNumber()) return v.doubleValue();
        if (v.isTextual()) {
            try { return Double.parseDouble(v.asText()); } catch (NumberFormatException e) { /* reported below */ }
        }
        throw error(k, "expected a number, got " + show(v));
    }

    public boolean bool(String k, Boolean def) {
        JsonNode v = take(k);
        if (v == null) { if (def == null) throw error(k, "required key is missing"); return def; }
        if (!v.isBoolean()) throw error(k, "expected true or false, got " + show(v));
        return v.booleanValue();
    }

    public List<Integer> ints(String k, List<Integer> def) {
        JsonNode v = take(k);
        if (v == null) { if (def == null) throw error(k, "required key is missing"); return def; }
        return intList(v, key(k));
    }

    List<Integer> intList(JsonNode v, String p) {
        if (!v.isArray()) throw new ConfigException(file, p, "expected a list of integers, got " + show(v));
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isIntegralNumber()) throw new ConfigException(file, p, "expected a list of integers, got " + show(v));
            out.add(e.intValue());
        }
        return out;
    }

    public List<Double> numbers(String k, List<Double> def) {
        JsonNode v = take(k);
        if (v == null) { if (def == null) throw error(k, "required key is missing"); return def; }
        return numberList(v, key(k));
    }

    List<Double> numberList(JsonNode v, String p) {
        if (!v.isArray()) throw new ConfigException(file, p, "expected a list of numbers, got " + show(v));
        List<Double> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isNumber()) throw new ConfigException(file, p, "expected a list of numbers, got " + show(v));
            out.add(e.doubleValue());
        }
        return out;
    }

    public List<Boolean> bools(String k, List<Boolean> def) {
        JsonNode v = take(k);
        if (v == null) { if (def == null) throw error(k, "required key is missing"); return def; }
        if (!v.isArray()) throw error(k, "expected a list of true/false, got " + show(v));
        List<Boolean> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isBoolean()) throw error(k, "expected a list of true/false, got " + show(v));
            out.add(e.booleanValue());
        }
        return out;
    }

    /** A mapping with integer keys (YAML "256:") to lists of numbers, e.g. lmr_config.mask_probs. */
    public Map<Integer, List<Double>> intKeyedNumbers(String k) {
        JsonNode v = take(k);
        if (v == null) return null;
        if (!v.isObject()) throw error(k, "expected a mapping from sizes to lists, got " + show(v));
        Map<Integer, List<Double>> out = new LinkedHashMap<>();
        for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            read.add(key(k) + "." + f);
            out.put(intKey(k, f), numberList(v.get(f), key(k) + "." + f));
        }
        return out;
    }

    private int intKey(String k, String f) {
        try { return Integer.parseInt(f); } catch (NumberFormatException e) { throw error(k, "key '" + f + "' is not an integer size"); }
    }

    /** Any value as plain Java (String, Number, Boolean, List, Map), for options kept as given. */
    public Object value(String k) {
        JsonNode v = take(k);
        return v == null ? null : plain(v);
    }

    static Object plain(JsonNode v) {
        if (v.isBoolean()) return v.booleanValue();
        if (v.isIntegralNumber()) return v.canConvertToInt() ? (Object) v.intValue() : (Object) v.longValue();
        if (v.isNumber()) return v.doubleValue();
        if (v.isTextual()) return v.asText();
        if (v.isArray()) { List<Object> l = new ArrayList<>(); for (JsonNode e : v) l.add(plain(e)); return l; }
        if (v.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) { String f = it.next(); m.put(f, plain(v.get(f))); }
            return m;
        }
        return null;
    }

    /** Every key below this node (dotted) that no getter read. */
    public List<String> unread() {
        List<String> out = new ArrayList<>();
        walk(node, path, out);
        return out;
    }

    private void walk(JsonNode n, String p, List<String> out) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            String kp = p.isEmpty() ? f : p + "." + f;
            if (!read.contains(kp)) { out.add(kp); continue; }
            JsonNode c = n.get(f);
            if (c.isObject()) walk(c, kp, out);
        }
    }

    private static String kind(JsonNode v) {
        return v.isArray() ? "a list" : v.isObject() ? "a mapping" : v.isNull() ? "nothing" : "'" + v.asText() + "'";
    }

    private static String show(JsonNode v) { return v.isValueNode() ? "'" + v.asText() + "'" : v.toString(); }
}
