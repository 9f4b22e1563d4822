package ssvae.cli;

import picocli.CommandLine.Option;
import ssvae.tensor.Device;
import ssvae.vae.config.ConfigFile;
import ssvae.vae.config.ModelConfig;
import ssvae.vae.model.VideoAutoencoder;
import ssvae.vae.model.Weights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** --config and --set, shared by the model commands (a picocli mixin). */
final class ModelOptions {
    @Option(names = "--config", required = true, paramLabel = "C", description = "model config (official SSVAE YAML layout)")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config value, e.g. model.params.encoder_config.params.ch=16 (repeatable)")
    List<String> sets = new ArrayList<>();

    ModelConfig read() { return ConfigFile.read(config, sets); }

    /** The model with weights from checkpoint (ignore_keys of the config honoured); notes go to err. */
    static VideoAutoencoder load(ModelConfig mc, Path checkpoint, java.io.PrintWriter err) {
        if (!Device.getDefault().isCpu())
            throw new IllegalArgumentException("--device " + Device.getDefault() + ": the model commands run on the CPU backend for now; use --device cpu");
        VideoAutoencoder m = mc.build();
        List<String> ignore = new ArrayList<>();
        if (mc.engineOptions().get("ignore_keys") instanceof List<?> l) for (Object o : l) ignore.add(String.valueOf(o));
        Weights.Report r = Weights.load(m, checkpoint, ignore);
        if (!r.unexpected().isEmpty())
            err.println("ssvae: note: " + r.unexpected().size() + " checkpoint keys are not part of the model and were skipped, e.g. " + r.unexpected().get(0));
        m.train(false);
        return m;
    }

    /** The global --dtype must be f32: the model computes in f32. */
    static void requireF32(picocli.CommandLine.Model.CommandSpec spec) {
        if (spec.root().userObject() instanceof Main root && root.dtype != null && !"f32".equalsIgnoreCase(root.dtype))
            throw new IllegalArgumentException("--dtype " + root.dtype + ": encode/decode compute in f32 only");
    }
}
