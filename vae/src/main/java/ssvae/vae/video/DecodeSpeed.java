package ssvae.vae.video;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Measures decode throughput to planar float [-1, 1] (the loader's path: FFmpeg to RGB24, then the lookup-table
 * conversion into a reused [3, T, H, W] buffer). Usage: DecodeSpeed [--reps N] VIDEO... ; prints one JSON line:
 * best wall-clock frames/s, and frames per second of process CPU time (less sensitive to a busy machine).
 */
public final class DecodeSpeed {
    private DecodeSpeed() {}

    public static void main(String[] args) {
        int reps = 10, from = 0;
        if (args.length > 1 && args[0].equals("--reps")) { reps = Integer.parseInt(args[1]); from = 2; }
        if (args.length <= from) {
            System.err.println("usage: DecodeSpeed [--reps N] VIDEO...");
            System.exit(2);
        }
        double best = 0, convertNsPerFrame = 0, cpuFps = 0;
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long frames = 0;
        int w = 0, h = 0;
        float[] clip = new float[0];
        byte[] rgb = new byte[0];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime(), convertNs = 0, cpu0 = os.getProcessCpuTime();
            frames = 0;
            for (int i = from; i < args.length; i++) {
                try (VideoReader v = VideoReader.open(Path.of(args[i]))) {
                    w = v.width();
                    h = v.height();
                    int hw = w * h;
                    long n = Math.max(1, v.containerFrameCount());
                    if (clip.length < 3 * n * hw) clip = new float[(int) (3 * n * hw)];
                    if (rgb.length < v.frameBytes()) rgb = new byte[v.frameBytes()];
                    int t = 0;
                    while (t < n && v.next(rgb)) {
                        long c0 = System.nanoTime();
                        FrameConvert.toPlanar(rgb, hw, clip, t * hw, (int) n * hw, true);
                        convertNs += System.nanoTime() - c0;
                        t++;
                    }
                    frames += t;
                }
            }
            double fps = frames / ((System.nanoTime() - t0) / 1e9);
            cpuFps = Math.max(cpuFps, frames / ((os.getProcessCpuTime() - cpu0) / 1e9));
            if (fps > best) {
                best = fps;
                convertNsPerFrame = (double) convertNs / frames;
            }
        }
        System.out.println(String.format(Locale.ROOT, "{\"what\": \"decode_to_float\", \"width\": %d, \"height\": %d, \"frames_per_rep\": %d, \"reps\": %d, \"best_fps\": %.1f, \"convert_ms_per_frame\": %.3f, \"frames_per_cpu_second\": %.1f, \"threads\": %d}",
                w, h, frames, reps, best, convertNsPerFrame / 1e6, cpuFps, Runtime.getRuntime().availableProcessors()));
    }
}
