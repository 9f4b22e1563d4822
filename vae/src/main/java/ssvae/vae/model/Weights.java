package ssvae.vae.model;

import ssvae.io.SafetensorsReader;
import ssvae.io.TorchCheckpoint;
import ssvae.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads model weights from safetensors or a PyTorch checkpoint (the 'state_dict' of a Lightning .ckpt), as
 * VideoAutoencodingEngine.init_from_ckpt does: keys under the ignored prefixes (loss., model_ema. and the config's
 * ignore_keys) are dropped; every model key must be present with its shape; other extra keys are reported.
 */
public final class Weights {
    private Weights() {}

    /** What was left aside while loading. */
    public record Report(int loaded, List<String> ignored, List<String> unexpected) {}

    public static LinkedHashMap<String, Tensor> read(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".safetensors") ? SafetensorsReader.read(file) : TorchCheckpoint.stateDict(file);
    }

    public static Report load(Block model, Path file, List<String> ignorePrefixes) {
        LinkedHashMap<String, Tensor> sd = read(file);
        List<String> prefixes = new ArrayList<>(List.of("loss.", "model_ema."));
        for (String p : ignorePrefixes) prefixes.add(p.endsWith(".") ? p : p + ".");
        Map<String, Param> mine = model.namedParams();
        Map<String, Tensor> keep = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>(), unexpected = new ArrayList<>();
        for (var e : sd.entrySet()) {
            String k = e.getKey();
            if (mine.containsKey(k)) keep.put(k, e.getValue());
            else if (prefixes.stream().anyMatch(k::startsWith)) ignored.add(k);
            else unexpected.add(k);
        }
        List<String> missing = new ArrayList<>();
        for (String k : mine.keySet()) if (!keep.containsKey(k)) missing.add(k);
        if (!missing.isEmpty())
            throw new IllegalArgumentException(file + ": " + missing.size() + " model keys missing, e.g. " + missing.subList(0, Math.min(3, missing.size()))
                    + (keep.isEmpty() && !sd.isEmpty() ? " (file keys look like " + sd.keySet().iterator().next() + ")" : ""));
        model.loadStateDict(keep, false);
        return new Report(keep.size(), ignored, unexpected);
    }
}
