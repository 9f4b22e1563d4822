package ssvae.vae.inference;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the default trained model lives: one folder, {@link #DIR}, relative to the repository root, holding
 * {@link #CONFIG_FILE} and {@link #CHECKPOINT_FILE}. It is looked up in the working directory and then in the
 * folders above the code's own location (so the shaded jar in cli/target finds the checkout it was built from).
 * Point {@link #DIR} at the trained model when it lands in the repository.
 */
public final class DefaultModel {
    /** The single place to change: the default model's folder, relative to the repository root. */
    public static final String DIR = "models/default";
    public static final String CONFIG_FILE = "config.yaml";
    public static final String CHECKPOINT_FILE = "model.safetensors";

    private DefaultModel() {}

    /** The relative path of the default config, for messages. */
    public static Path configName() { return Path.of(DIR, CONFIG_FILE); }

    /** The relative path of the default checkpoint, for messages. */
    public static Path checkpointName() { return Path.of(DIR, CHECKPOINT_FILE); }

    /** The default config, when it exists in one of the {@link #roots()}. */
    public static Optional<Path> config() { return find(configName()); }

    /** The default checkpoint, when it exists in one of the {@link #roots()}. */
    public static Optional<Path> checkpoint() { return find(checkpointName()); }

    private static Optional<Path> find(Path rel) {
        for (Path root : roots()) {
            Path p = root.resolve(rel);
            if (Files.isRegularFile(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** The working directory, then up to four folders above the location of these classes (jar or classes dir). */
    static List<Path> roots() {
        List<Path> roots = new ArrayList<>();
        roots.add(Path.of("").toAbsolutePath());
        try {
            var src = DefaultModel.class.getProtectionDomain().getCodeSource();
            if (src != null) {
                Path p = Path.of(src.getLocation().toURI()).toAbsolutePath().getParent();
                for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) if (!roots.contains(p)) roots.add(p);
            }
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            // an unusual class loader: the working directory alone is searched
        }
        return roots;
    }
}
