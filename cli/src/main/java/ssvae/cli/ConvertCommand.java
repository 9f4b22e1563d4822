package ssvae.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import ssvae.io.SafetensorsReader;
import ssvae.io.SafetensorsWriter;
import ssvae.io.TensorFileException;
import ssvae.io.TorchCheckpoint;
import ssvae.tensor.DType;
import ssvae.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * ssvae convert IN OUT.safetensors: writes the state dict of a PyTorch checkpoint (.ckpt/.pt/.pth, the
 * 'state_dict' of Lightning checkpoints) or of a safetensors file as safetensors, optionally keeping only keys
 * under a prefix (stripped) and casting floating tensors. The output appears only when complete.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a PyTorch checkpoint (.ckpt/.pt/.pth) or a safetensors file to safetensors.",
                "With --dtype bf16|f16|f32|f64 given explicitly, floating-point tensors are cast; otherwise types are kept."})
final class ConvertCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN", description = "input checkpoint: .ckpt, .pt, .pth or .safetensors")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "output .safetensors file (replaced atomically)")
    Path out;

    @Option(names = "--prefix", paramLabel = "P", description = "keep only keys starting with P and strip it (e.g. model.)")
    String prefix;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        DType target = null;
        String dtype = explicitDtype();
        if (dtype != null) {
            target = DType.parse(dtype);
            if (!target.floating) throw new IllegalArgumentException("--dtype " + dtype + ": only floating types (bf16, f16, f32, f64) can be targets");
        }
        if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors"))
            throw new IllegalArgumentException(out + ": the output must be a .safetensors file");

        List<SafetensorsWriter.Item> items = new ArrayList<>();
        long bytes;
        if (isSafetensors(in)) {
            try (SafetensorsReader r = SafetensorsReader.open(in)) {
                for (String name : select(r.names())) {
                    SafetensorsReader.Entry e = r.entry(name);
                    DType dt = castTo(e.dtype(), target);
                    items.add(new SafetensorsWriter.Item(strip(name), dt, e.shape(), () -> r.load(name).to(dt)));
                }
                bytes = SafetensorsWriter.write(out, items, r.metadata());
            }
        } else {
            LinkedHashMap<String, Tensor> sd = TorchCheckpoint.stateDict(in);
            for (String name : select(sd.keySet())) {
                Tensor t = sd.get(name);
                DType dt = castTo(t.dtype(), target);
                items.add(new SafetensorsWriter.Item(strip(name), dt, t.shape(), () -> t.to(dt)));
            }
            bytes = SafetensorsWriter.write(out, items, Map.of("format", "pt"));
        }
        spec.commandLine().getOut().printf("%s: %d tensors, %d bytes%n", out, items.size(), bytes);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * The global --dtype (picocli allows one option of that name; it is inherited), when given explicitly before or
     * after the subcommand name; its default means "keep the stored types" here.
     */
    private String explicitDtype() {
        String v = null;
        for (CommandLine.ParseResult r = spec.root().commandLine().getParseResult(); r != null; r = r.subcommand())
            if (r.hasMatchedOption("--dtype")) v = r.matchedOptionValue("--dtype", null);
        return v;
    }

    /** Safetensors by extension; other names are sniffed (a zip or a bare pickle goes to the torch reader). */
    private static boolean isSafetensors(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".safetensors")) return true;
        if (n.endsWith(".ckpt") || n.endsWith(".pt") || n.endsWith(".pth")) return false;
        try (InputStream s = Files.newInputStream(p)) {
            byte[] head = s.readNBytes(2);
            boolean zip = head.length == 2 && head[0] == 'P' && head[1] == 'K';
            boolean pickle = head.length > 0 && (head[0] & 0xff) == 0x80;   // legacy torch.save: the reader explains
            return !(zip || pickle);
        } catch (IOException e) {
            throw new TensorFileException(p, Files.exists(p) ? "cannot read: " + e.getMessage() : "no such file");
        }
    }

    private List<String> select(Iterable<String> names) {
        List<String> keep = new ArrayList<>();
        int total = 0;
        for (String n : names) {
            total++;
            if (prefix == null || n.startsWith(prefix)) {
                if (prefix != null && n.length() == prefix.length())
                    throw new TensorFileException(in, "key '" + n + "' equals the prefix; nothing would be left of its name");
                keep.add(n);
            }
        }
        if (keep.isEmpty() && prefix != null)
            throw new TensorFileException(in, "no key starts with '" + prefix + "' (" + total + " keys" + (total > 0 ? ", e.g. '" + names.iterator().next() + "'" : "") + ")");
        return keep;
    }

    private String strip(String name) { return prefix == null ? name : name.substring(prefix.length()); }

    /** Floating tensors go to the target type; integer and bool tensors keep theirs (as nn.Module.to(dtype)). */
    private static DType castTo(DType dt, DType target) { return target != null && dt.floating ? target : dt; }
}
