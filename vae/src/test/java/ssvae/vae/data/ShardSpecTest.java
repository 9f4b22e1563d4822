package ssvae.vae.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ShardSpecTest {
    @TempDir Path tmp;

    @Test void braceExpansionLikeThePythonPackage() {
        assertEquals(List.of("d/s-008.tar", "d/s-009.tar", "d/s-010.tar"), ShardSpec.braceExpand("d/s-{008..010}.tar"));
        assertEquals(List.of("a1", "a2", "b1", "b2"), ShardSpec.braceExpand("{a,b}{1..2}"));
        assertEquals(List.of("x"), ShardSpec.braceExpand("x"));
    }

    @Test void officialSemicolonFormWalksFoldersWithRepeats() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("A/sub")), b = Files.createDirectories(tmp.resolve("B"));
        Files.writeString(a.resolve("2.tar"), "x");
        Files.writeString(tmp.resolve("A/1.tar"), "x");
        Files.createFile(tmp.resolve("A/empty.tar"));          // size 0: ignored as officially
        Files.writeString(tmp.resolve("A/1.meta.jsonl"), "");  // not a tar
        Files.writeString(b.resolve("3.tar"), "x");
        List<Path> got = ShardSpec.parse(";" + tmp.resolve("A") + "," + tmp.resolve("B") + "*2");
        assertEquals(List.of(tmp.resolve("A/1.tar"), a.resolve("2.tar"), b.resolve("3.tar"), b.resolve("3.tar")), got);
        assertEquals(List.of(b.resolve("3.tar"), tmp.resolve("A/1.tar")), ShardSpec.parse(b.resolve("3.tar") + "," + tmp.resolve("A/1.tar")));
    }

    @Test void missingAndEmptyAreOneLineErrors() throws Exception {
        Path none = tmp.resolve("none");
        assertEquals(none + ": no such dataset folder (dataset path \";" + none + "\")",
                assertThrows(DataException.class, () -> ShardSpec.parse(";" + none)).getMessage());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertTrue(assertThrows(DataException.class, () -> ShardSpec.parse(";" + empty)).getMessage().endsWith("no tar shards found"));
        assertThrows(IllegalArgumentException.class, () -> ShardSpec.parse(" "));
        assertThrows(IllegalArgumentException.class, () -> ShardSpec.parse(";" + empty + "*x"));
    }
}
