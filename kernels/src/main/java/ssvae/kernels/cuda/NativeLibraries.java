package ssvae.kernels.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds optional vendor libraries (cuBLAS, cuDNN) by soname for java.lang.foreign. Each directory of the
 * configurable path (system property {@value #PATH_PROPERTY}, ':'-separated) is tried first, then the plain soname
 * (the dynamic linker's search: LD_LIBRARY_PATH, ldconfig cache). The first soname that opens wins.
 */
public final class NativeLibraries {
    public static final String PATH_PROPERTY = "ssvae.cuda.libpath";
    public static final List<String> CUBLAS = List.of("libcublas.so.13", "libcublas.so.12");
    public static final List<String> CUDNN = List.of("libcudnn.so.9");

    private NativeLibraries() {}

    /** Outcome of a search: the lookup and where it came from, or the reason nothing was found. */
    public record Found(SymbolLookup lookup, String location, String problem) {
        public boolean ok() { return lookup != null; }

        public String describe() { return ok() ? "loaded " + location : problem; }
    }

    public static Found find(String what, List<String> sonames, Arena arena) {
        return find(what, sonames, System.getProperty(PATH_PROPERTY, ""), arena);
    }

    public static Found find(String what, List<String> sonames, String searchPath, Arena arena) {
        List<String> tried = new ArrayList<>();
        for (String soname : sonames) {
            for (String dir : searchPath.split(":")) {
                if (dir.isBlank()) continue;
                Path p = Path.of(dir.trim(), soname);
                tried.add(p.toString());
                if (!Files.exists(p)) continue;
                try {
                    return new Found(SymbolLookup.libraryLookup(p, arena), p.toString(), null);
                } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                    tried.set(tried.size() - 1, p + " (" + e.getMessage() + ")");
                }
            }
            tried.add(soname);
            try {
                return new Found(SymbolLookup.libraryLookup(soname, arena), soname, null);
            } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                // not on the linker's path: try the next soname
            }
        }
        return new Found(null, null, what + " not found (tried " + String.join(", ", tried) + ")");
    }
}
