package ssvae.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vendor library discovery: a missing soname is a clean "not found" naming what was tried; a present one loads. */
class NativeLibrariesTest {
    @Test void missingSonameGivesNotFoundWithEveryCandidate(@TempDir Path dir) {
        NativeLibraries.Found f = NativeLibraries.find("cuBLAS", List.of("libssvae-missing.so.13", "libssvae-missing.so.12"),
                dir.toString(), Arena.ofAuto());
        assertFalse(f.ok());
        assertNull(f.lookup());
        assertTrue(f.problem().startsWith("cuBLAS not found (tried "), f.problem());
        assertTrue(f.problem().contains(dir.resolve("libssvae-missing.so.13").toString()), f.problem());
        assertTrue(f.problem().contains("libssvae-missing.so.12"), f.problem());
        assertEquals(f.problem(), f.describe());
    }

    @Test void firstLoadableSonameWinsAndIsSearchableForSymbols() {
        // libc is on every Linux linker path: stands in for libcublas.so.13 being installed
        NativeLibraries.Found f = NativeLibraries.find("libc", List.of("libssvae-missing.so.1", "libc.so.6"), "", Arena.ofAuto());
        assertTrue(f.ok(), f.describe());
        assertEquals("libc.so.6", f.location());
        assertTrue(f.lookup().find("strlen").isPresent());
        assertEquals("loaded libc.so.6", f.describe());
    }

    @Test void configuredDirectoryIsTriedFirst() throws Exception {
        Path libc = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
        if (!Files.exists(libc)) libc = Path.of("/usr/lib64/libc.so.6");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(libc), "no libc.so.6 at a known path on this machine");
        NativeLibraries.Found f = NativeLibraries.find("libc", List.of("libc.so.6"), "/nonexistent:" + libc.getParent(), Arena.ofAuto());
        assertTrue(f.ok(), f.describe());
        assertEquals(libc.toString(), f.location());
    }
}
