package ssvae.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import ssvae.kernels.cpu.Parallel;

import static org.junit.jupiter.api.Assertions.*;

/** The JSON lines of the quick runner carry the fields `ssvae bench` promises (tiny shapes, no real timing). */
class QuickBenchTest {
    final int savedThreads = Parallel.threads();

    @AfterEach void restore() { Parallel.setThreads(savedThreads); }

    @Test void gemmLine() {
        String j = QuickBench.gemm(7, 9, 5, 1, 1, 0).json();
        for (String key : new String[] {"\"op\": \"gemm\"", "\"m\": 7", "\"n\": 9", "\"k\": 5", "\"threads\": 1", "\"ms_median\": ", "\"gflops\": ", "\"cpu_ms_median\": "})
            assertTrue(j.contains(key), j);
        assertTrue(j.startsWith("{") && j.endsWith("}"), j);
    }

    @Test void conv3dLines() {
        String f = QuickBench.conv3d(2, 3, 3, 4, 5, 3, false, 1, 1, 0).json();
        assertTrue(f.contains("\"op\": \"conv3d_fwd\"") && f.contains("\"cin\": 2") && f.contains("\"w\": 5"), f);
        String b = QuickBench.conv3d(2, 3, 3, 4, 5, 3, true, 2, 1, 0).json();
        assertTrue(b.contains("\"op\": \"conv3d_fwd_bwd\"") && b.contains("\"threads\": 2") && !b.contains("cpu_ms_median"), b);
        // the parts of the sequence, each a median in ms
        for (String key : new String[] {"\"fwd_ms_median\": ", "\"bwd_input_ms_median\": ", "\"bwd_weight_ms_median\": "})
            assertTrue(b.contains(key), b);
        assertFalse(f.contains("bwd_input_ms_median"), f);
    }
}
