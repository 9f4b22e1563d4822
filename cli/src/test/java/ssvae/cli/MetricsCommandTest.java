package ssvae.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class MetricsCommandTest {
    @TempDir Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Path video(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path v = p.resolveSibling("shared").resolve("data").resolve("videos").resolve(name);
            if (Files.exists(v)) return v;
        }
        throw new IllegalStateException("shared test videos not found beside the project");
    }

    @Test void jsonLineMatchesTheIndependentFigures() {
        // figures from vae/src/test/python/reference_metrics.py on raw RGB dumps of the decoded videos (numpy)
        Run r = run("metrics", "--reference", video("0001.mp4").toString(), "--distorted", video("0002.mp4").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals("{\"psnr\": 12.190461, \"ssim\": 0.32298965, \"frames\": 17}", r.out().strip());
    }

    @Test void textOutput() {
        Path a = video("0003.mp4");
        Run r = run("metrics", "--reference", a.toString(), "--distorted", a.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("PSNR inf dB  SSIM 1.000000  frames 17", r.out().strip());
    }

    @Test void badInputIsOneLineAndNonZeroExit() throws Exception {
        Path missing = tmp.resolve("missing.mp4");
        Run r = run("metrics", "--reference", missing.toString(), "--distorted", video("0001.mp4").toString());
        assertEquals(1, r.code());
        assertEquals("ssvae: " + missing + ": no such file", r.err().strip());
        Path text = Files.writeString(tmp.resolve("text.mp4"), "hello\n".repeat(100));
        r = run("metrics", "--reference", video("0001.mp4").toString(), "--distorted", text.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("ssvae: " + text + ": not a readable video"), r.err());
        assertEquals(1, r.err().strip().lines().count());
        assertEquals(2, run("metrics", "--reference", text.toString()).code(), "missing option is a usage error");
    }
}
