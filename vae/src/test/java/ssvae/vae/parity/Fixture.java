package ssvae.vae.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ssvae.io.SafetensorsReader;
import ssvae.tensor.DType;
import ssvae.tensor.Tensor;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One fixture written by src/test/resources/parity/make_parity_fixtures.py from the official PyTorch code: its
 * tensors (state_dict under the official key names, inputs, expected outputs) and string metadata.
 */
record Fixture(String name, Map<String, Tensor> tensors, Map<String, String> meta) {
    static final ObjectMapper JSON = new ObjectMapper();

    static Path resource(String file) {
        URL u = Fixture.class.getResource("/parity/" + file);
        if (u == null) throw new IllegalStateException("test resource parity/" + file + " is missing (run make_parity_fixtures.py)");
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Fixture load(String name) {
        try (SafetensorsReader r = SafetensorsReader.open(resource(name + ".safetensors"))) {
            return new Fixture(name, r.loadAll(), r.metadata());
        }
    }

    Tensor get(String key) {
        Tensor t = tensors.get(key);
        if (t == null) throw new AssertionError(name + ": fixture has no tensor " + key);
        return t;
    }

    boolean has(String key) { return tensors.containsKey(key); }

    double scalar(String key) { return get(key).item(); }

    JsonNode json(String metaKey) {
        try {
            return JSON.readTree(meta.get(metaKey));
        } catch (Exception e) {
            throw new AssertionError(name + ": metadata " + metaKey + " is not JSON", e);
        }
    }

    /** The model state_dict: every tensor whose key starts with one of the prefixes (see {@link #stateDict(Predicate, String)}). */
    Map<String, Tensor> stateDict(String... prefixes) {
        return stateDict(k -> Arrays.stream(prefixes).anyMatch(k::startsWith), "");
    }

    /**
     * The tensors whose key passes the filter, with strip removed from the front of the key. Keys with an exponent in
     * the metadata ('exp.KEY') hold the generator's 8-bit codes: value = (code - 128) * 2^-e (exact in F32 and F64);
     * the others (spectral-norm u, v buffers) are taken as stored.
     */
    Map<String, Tensor> stateDict(Predicate<String> filter, String strip) {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (var e : tensors.entrySet()) {
            if (!filter.test(e.getKey())) continue;
            String exp = meta.get("exp." + e.getKey());
            Tensor v = exp == null ? e.getValue() : e.getValue().to(DType.F64).sub(128).mul(Math.scalb(1.0, -Integer.parseInt(exp)));
            sd.put(e.getKey().substring(strip.length()), v);
        }
        return sd;
    }

    /** max |a - ref| / max |ref| over all elements (shapes must agree). */
    static double relErr(Tensor a, Tensor ref) {
        if (!Arrays.equals(a.shape(), ref.shape()))
            throw new AssertionError("shape " + Arrays.toString(a.shape()) + " vs official " + Arrays.toString(ref.shape()));
        double[] x = a.contiguous().toDoubleArray(), y = ref.contiguous().toDoubleArray();
        double num = 0, den = 0;
        for (int i = 0; i < x.length; i++) {
            num = Math.max(num, Math.abs(x[i] - y[i]));
            den = Math.max(den, Math.abs(y[i]));
        }
        return den == 0 ? num : num / den;
    }

    /** |a - ref| / max(|ref|, floor) for scalars. */
    static double relErr(double a, double ref, double floor) { return Math.abs(a - ref) / Math.max(Math.abs(ref), floor); }
}
