package ssvae.vae.train;

import ssvae.io.SafetensorsReader;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.vae.config.ConfigFile;
import ssvae.vae.config.ModelConfig;
import ssvae.vae.model.VideoAutoencoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The small default checkpoint trained by `ssvae train` itself and shipped in the jar (resources
 * ssvae/default/config.yaml: the run's resolved training config; ssvae/default/model.safetensors: encoder.*,
 * decoder.*, mask_token). README "Training" gives the exact command that produced it. Used when a command gets no
 * --checkpoint.
 */
public final class DefaultModel {
    public static final String CONFIG = "ssvae/default/config.yaml";
    public static final String WEIGHTS = "ssvae/default/model.safetensors";

    private DefaultModel() {}

    /** Copies a bundled resource to a temporary file (deleted on exit) and returns its path. */
    public static Path extract(String resource) {
        try (InputStream in = DefaultModel.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("the default checkpoint resource " + resource + " is missing from the build");
            String name = resource.substring(resource.lastIndexOf('/') + 1);
            Path tmp = Files.createTempFile("ssvae-default-", "-" + name);
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + resource + ": " + e.getMessage(), e);
        }
    }

    /** The default model's config. */
    public static ModelConfig config() { return ConfigFile.read(extract(CONFIG)); }

    /** The default model with its trained weights, in eval mode. */
    public static VideoAutoencoder load() {
        VideoAutoencoder m = config().build();
        m.allocate(DType.F32, Device.CPU, new Generator(0));
        m.loadStateDict(SafetensorsReader.read(extract(WEIGHTS)), true);
        m.train(false);
        return m;
    }
}
