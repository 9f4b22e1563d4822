package ssvae.vae.lpips;

import ssvae.io.SafetensorsReader;
import ssvae.io.TorchCheckpoint;
import ssvae.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads LPIPS weights from the files users have: torchvision's VGG16 (vgg16-397923af.pth, keys features.{i}.weight /
 * features.{i}.bias, classifier.* ignored) and the LPIPS linear heads (vgg.pth, keys lin{k}.model.1.weight), as
 * PyTorch files or their safetensors conversions. A full LPIPS state dict (net.slice*, lin*) is accepted in either
 * slot. Every tensor LPIPS needs must be found, else the error names the file that lacks it.
 */
public final class LpipsWeights {
    private LpipsWeights() {}

    /** The LPIPS key for a torchvision features key (features.5.weight -> net.slice2.5.weight), or null. */
    public static String vggKey(String torchvisionKey) {
        String[] p = torchvisionKey.split("\\.");
        if (p.length != 3 || !p[0].equals("features") || !(p[2].equals("weight") || p[2].equals("bias"))) return null;
        int i;
        try { i = Integer.parseInt(p[1]); } catch (NumberFormatException e) { return null; }
        for (int s = 0; s < Lpips.SLICE_RANGES.length; s++)
            if (i >= Lpips.SLICE_RANGES[s][0] && i < Lpips.SLICE_RANGES[s][1]) return "net.slice" + (s + 1) + "." + i + "." + p[2];
        return null;
    }

    /** Reads a tensor file by extension: .safetensors, else a PyTorch checkpoint. */
    public static Map<String, Tensor> read(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("LPIPS weight file " + file + " does not exist");
        return file.getFileName().toString().endsWith(".safetensors") ? SafetensorsReader.read(file) : TorchCheckpoint.stateDict(file);
    }

    /** Maps the two files' keys to LPIPS keys (vgg keys from vggFile, lin keys from linFile). */
    public static Map<String, Tensor> mapped(Map<String, Tensor> vgg, Map<String, Tensor> lin) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map<String, Tensor> src : List.of(vgg, lin)) {
            for (var e : src.entrySet()) {
                String k = e.getKey();
                String mk = vggKey(k);
                if (mk != null) out.put(mk, e.getValue());
                else if (k.startsWith("net.slice") || k.matches("lin[0-4]\\.model\\.1\\.weight")) out.put(k, e.getValue());
            }
        }
        return out;
    }

    /** Loads both files into lpips; an absent key is an error naming the file it should come from. */
    public static void load(Lpips lpips, Path vggFile, Path linFile) {
        Map<String, Tensor> sd = mapped(read(vggFile), read(linFile));
        List<String> missing = new ArrayList<>();
        for (String k : lpips.namedParameters().keySet()) if (!sd.containsKey(k)) missing.add(k);
        if (!missing.isEmpty()) {
            boolean vggMissing = missing.stream().anyMatch(k -> k.startsWith("net."));
            throw new IllegalArgumentException((vggMissing ? vggFile + " lacks the VGG16 feature weights (torchvision vgg16-397923af.pth keys features.N.*)"
                    : linFile + " lacks the LPIPS heads (vgg.pth keys lin0..lin4.model.1.weight)") + "; missing " + missing.subList(0, Math.min(3, missing.size())));
        }
        Map<String, Tensor> full = new LinkedHashMap<>(lpips.stateDict());
        for (String k : lpips.namedParameters().keySet()) full.put(k, sd.get(k));
        lpips.loadStateDict(full, true);
        lpips.requiresGrad(false);
        lpips.eval();
    }
}
