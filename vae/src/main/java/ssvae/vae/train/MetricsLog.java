package ssvae.vae.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * metrics.jsonl (one JSON object per logged step: "step" and every value under its official name, appended and
 * flushed as it comes) and metrics.csv (rewritten from all rows: one column per key ever seen, empty where a row
 * lacks it). On resume rows at or after the resumed step are dropped, so the log reads as one run.
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path jsonl, csv;
    private final List<Map<String, Double>> rows = new ArrayList<>();
    private BufferedWriter out;

    public MetricsLog(Path runDir, long resumeStep) {
        this.jsonl = runDir.resolve("metrics.jsonl");
        this.csv = runDir.resolve("metrics.csv");
        try {
            if (Files.exists(jsonl)) {
                for (String line : Files.readAllLines(jsonl)) {
                    if (line.isBlank()) continue;
                    Map<String, Double> r = parse(line);
                    if (r != null && r.getOrDefault("step", 0.0) < resumeStep) rows.add(r);
                }
            }
            StringBuilder sb = new StringBuilder();
            for (Map<String, Double> r : rows) sb.append(line(r)).append('\n');
            Files.writeString(jsonl, sb.toString());
            out = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + jsonl + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Double> parse(String line) {
        try {
            var n = JSON.readTree(line);
            Map<String, Double> r = new LinkedHashMap<>();
            for (var it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().isNumber()) r.put(e.getKey(), e.getValue().doubleValue());
            }
            return r;
        } catch (IOException e) {
            return null;   // a line cut by a crash
        }
    }

    private static String line(Map<String, Double> r) {
        ObjectNode n = JSON.createObjectNode();
        for (var e : r.entrySet()) {
            double v = e.getValue();
            if (e.getKey().equals("step")) n.put("step", (long) v);
            else if (Double.isFinite(v)) n.put(e.getKey(), v);
            else n.put(e.getKey(), Double.toString(v));
        }
        return n.toString();
    }

    public void log(Map<String, Double> row) {
        rows.add(row);
        try {
            out.write(line(row));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + jsonl + ": " + e.getMessage(), e);
        }
    }

    public List<Map<String, Double>> rows() { return rows; }

    public void writeCsv() {
        Set<String> keys = new LinkedHashSet<>();
        keys.add("step");
        for (Map<String, Double> r : rows) keys.addAll(r.keySet());
        StringBuilder sb = new StringBuilder(String.join(",", keys)).append('\n');
        for (Map<String, Double> r : rows) {
            boolean first = true;
            for (String k : keys) {
                if (!first) sb.append(',');
                first = false;
                Double v = r.get(k);
                if (v != null) sb.append(k.equals("step") ? Long.toString(v.longValue()) : Double.toString(v));
            }
            sb.append('\n');
        }
        try {
            Files.writeString(csv, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + csv + ": " + e.getMessage(), e);
        }
    }

    @Override public void close() {
        try { out.close(); } catch (IOException ignored) { /* closing */ }
    }
}
