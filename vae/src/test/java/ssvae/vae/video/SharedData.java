package ssvae.vae.video;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared/data (the read-only test data beside the checkout); never copied into the repository. */
public final class SharedData {
    private SharedData() {}

    public static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("shared").resolve("data");
            if (Files.isDirectory(d.resolve("videos"))) return d;
            Path up = p.resolveSibling("shared").resolve("data");
            if (Files.isDirectory(up.resolve("videos"))) return up;
        }
        throw new IllegalStateException("shared test data not found: expected ../shared/data beside the project");
    }

    public static Path video(String name) { return root().resolve("videos").resolve(name); }
}
