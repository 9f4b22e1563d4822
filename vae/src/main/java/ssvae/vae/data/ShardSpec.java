package ssvae.vae.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shard list of a dataset path, as the official MetaDistributedWebDataset reads it:
 * <ul>
 *   <li>{@code "PATTERN;DIR1,DIR2*3"}: PATTERN is a brace-expanded list of tar files (may be empty); each DIR is
 *       walked for files ending in "tar" of non-zero size, a {@code *n} suffix repeats that folder's shards n times
 *       (weighting). The official configs write {@code ";path/to/dataset1,path/to/dataset2"}.</li>
 *   <li>without ';': comma-separated tar files or folders.</li>
 * </ul>
 * Walks are sorted so the list is the same on every machine.
 */
public final class ShardSpec {
    private ShardSpec() {}

    public static List<Path> parse(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("dataset path is empty");
        List<Path> out = new ArrayList<>();
        String pattern = spec, dirs = null;
        int semi = spec.indexOf(';');
        if (semi >= 0) {
            pattern = spec.substring(0, semi);
            dirs = spec.substring(semi + 1);
        }
        if (!pattern.isBlank()) {
            List<String> items = semi >= 0 ? braceExpand(pattern.trim()) : splitTopLevel(pattern);
            for (String item : items) {
                for (String f : braceExpand(item.trim())) {
                    Path p = Path.of(f);
                    if (Files.isDirectory(p)) out.addAll(walk(p, spec));
                    else if (Files.isRegularFile(p)) out.add(p);
                    else throw new DataException(p + ": no such shard (dataset path \"" + spec + "\")");
                }
            }
        }
        if (dirs != null) {
            for (String d : dirs.split(",")) {
                d = d.trim();
                if (d.isEmpty()) continue;
                int n = 1;
                int star = d.lastIndexOf('*');
                if (star >= 0) {
                    try { n = Integer.parseInt(d.substring(star + 1).trim()); }
                    catch (NumberFormatException e) { throw new IllegalArgumentException("dataset path \"" + spec + "\": bad repeat count in \"" + d + "\""); }
                    d = d.substring(0, star).trim();
                }
                Path p = Path.of(d);
                if (!Files.isDirectory(p)) throw new DataException(p + ": no such dataset folder (dataset path \"" + spec + "\")");
                List<Path> found = walk(p, spec);
                for (int i = 0; i < n; i++) out.addAll(found);
            }
        }
        if (out.isEmpty()) throw new DataException("dataset path \"" + spec + "\": no tar shards found");
        return out;
    }

    private static List<Path> walk(Path dir, String spec) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith("tar"))
                    .filter(p -> { try { return Files.size(p) > 0; } catch (IOException e) { return false; } })
                    .sorted().toList();
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list (" + e.getMessage() + ")");
        }
    }

    /** Splits at commas that are not inside braces. */
    static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0, from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') depth++;
            else if (c == '}') depth--;
            else if (c == ',' && depth == 0) { out.add(s.substring(from, i)); from = i + 1; }
        }
        out.add(s.substring(from));
        out.removeIf(String::isBlank);
        return out;
    }

    /** Bash-style brace expansion as the braceexpand package does: {a,b,c} and zero-padded numeric {000..012}. */
    public static List<String> braceExpand(String s) {
        int open = s.indexOf('{');
        if (open < 0) return List.of(s);
        int depth = 0, close = -1;
        for (int i = open; i < s.length(); i++) {
            if (s.charAt(i) == '{') depth++;
            else if (s.charAt(i) == '}' && --depth == 0) { close = i; break; }
        }
        if (close < 0) return List.of(s);
        String head = s.substring(0, open), body = s.substring(open + 1, close), tail = s.substring(close + 1);
        List<String> alts = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(-?\\d+)\\.\\.(-?\\d+)").matcher(body);
        if (m.matches()) {
            String a = m.group(1), b = m.group(2);
            long lo = Long.parseLong(a), hi = Long.parseLong(b);
            int width = (a.startsWith("0") && a.length() > 1) || (b.startsWith("0") && b.length() > 1) ? Math.max(a.length(), b.length()) : 0;
            long step = lo <= hi ? 1 : -1;
            for (long v = lo; ; v += step) {
                alts.add(width > 0 ? String.format("%0" + width + "d", v) : Long.toString(v));
                if (v == hi) break;
            }
        } else {
            alts.addAll(splitTopLevel(body));
        }
        List<String> out = new ArrayList<>();
        for (String alt : alts) for (String rest : braceExpand(alt + tail)) out.add(head + rest);
        return out;
    }
}
