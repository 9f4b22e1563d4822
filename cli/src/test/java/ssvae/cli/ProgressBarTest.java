package ssvae.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.*;

class ProgressBarTest {
    @Test
    void drawsInPlaceAndClears() {
        StringWriter s = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(s), true);
        bar.update("0001.mp4", "encode", 1, 4);
        String first = s.toString();
        assertTrue(first.startsWith("\r0001.mp4 [######------------------] 1/4 encode "), first);
        assertTrue(first.endsWith(" s"), first);
        bar.update("0001.mp4", "decode", 4, 4);
        assertTrue(s.toString().substring(first.length()).startsWith("\r0001.mp4 [########################] 4/4 decode "), s.toString());
        int before = s.toString().length();
        bar.clear();
        String cleared = s.toString().substring(before);
        assertTrue(cleared.startsWith("\r") && cleared.endsWith("\r") && cleared.strip().isEmpty(), "[" + cleared + "]");
    }

    @Test
    void silentWhenDisabled() {
        StringWriter s = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(s), false);
        bar.update("x", "encode", 1, 2);
        bar.clear();
        assertEquals("", s.toString());
    }
}
