package ssvae.vae.model;

import com.sun.management.GarbageCollectionNotificationInfo;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;
import ssvae.vae.config.ConfigFile;
import ssvae.vae.config.ModelConfig;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measuring main (not a test): random-weight encode + decode of the configured model under no-grad, printing wall
 * and process CPU time of each phase, the peak heap live after a GC (the largest post-GC heap seen) and the load.
 * Usage: FullModelMeasure CONFIG T H W [encChunk decChunk] (chunks 0 or absent: one pass). Run with -Xlog:gc and
 * under /usr/bin/time -v for the RSS.
 */
public final class FullModelMeasure {
    private FullModelMeasure() {}

    static final AtomicLong PEAK_AFTER_GC = new AtomicLong();

    public static void main(String[] a) throws Exception {
        if (a.length < 4) throw new IllegalArgumentException("usage: FullModelMeasure CONFIG T H W [encChunk decChunk]");
        Path cfg = Path.of(a[0]);
        int t = Integer.parseInt(a[1]), h = Integer.parseInt(a[2]), w = Integer.parseInt(a[3]);
        int encChunk = a.length > 4 ? Integer.parseInt(a[4]) : 0, decChunk = a.length > 5 ? Integer.parseInt(a[5]) : 0;
        watchGc();
        say("load " + load() + ", threads " + ssvae.kernels.cpu.Parallel.threads());
        ModelConfig mc = ConfigFile.read(cfg, List.of());
        long t0 = System.nanoTime(), c0 = cpu();
        VideoAutoencoder m = mc.build();
        m.allocate(DType.F32, Device.CPU, new Generator(0));
        m.train(false);
        say(String.format(Locale.ROOT, "init: %d params, wall %.1f s, cpu %.1f s", m.paramCount(), secs(t0), (cpu() - c0) / 1e9));
        Tensor x = Tensor.uniform(new Generator(1), -1, 1, DType.F32, Device.CPU, 1, 3, t, h, w);
        Tensor moments;
        try (var g = GradMode.noGrad()) {
            PEAK_AFTER_GC.set(0);
            t0 = System.nanoTime(); c0 = cpu();
            moments = encChunk > 0 ? m.encodeMomentsChunked(x, m.encoderPlan(t, encChunk)) : m.encodeMoments(x);
            say(String.format(Locale.ROOT, "encode %s -> %s (chunk %d): wall %.1f s, cpu %.1f s, peak heap after GC %.2f GiB, load %s",
                    Shape.str(x.shape()), Shape.str(moments.shape()), encChunk, secs(t0), (cpu() - c0) / 1e9, gib(PEAK_AFTER_GC.get()), load()));
            x = null;
            Tensor z = m.denormalise(m.latentFromMoments(moments).contiguous());
            moments = null;
            PEAK_AFTER_GC.set(0);
            t0 = System.nanoTime(); c0 = cpu();
            Tensor y = decChunk > 0 ? m.decodeChunked(z, VideoAutoencoder.decoderPlan(z.size(2), decChunk)) : m.decode(z);
            say(String.format(Locale.ROOT, "decode %s -> %s (chunk %d): wall %.1f s, cpu %.1f s, peak heap after GC %.2f GiB, load %s",
                    Shape.str(z.shape()), Shape.str(y.shape()), decChunk, secs(t0), (cpu() - c0) / 1e9, gib(PEAK_AFTER_GC.get()), load()));
            say("output mean " + y.mean().item());
        }
    }

    private static void watchGc() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, hb) -> {
                if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) return;
                var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = 0;
                for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) used += u.getUsed();
                PEAK_AFTER_GC.accumulateAndGet(used, Math::max);
            }, null, null);
        }
    }

    private static long cpu() { return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime(); }
    private static double secs(long t0) { return (System.nanoTime() - t0) / 1e9; }
    private static double gib(long b) { return b / (double) (1L << 30); }

    private static String load() {
        try { return Files.readString(Path.of("/proc/loadavg")).trim(); } catch (Exception e) { return "?"; }
    }

    private static void say(String s) { System.out.println("[measure] " + s); System.out.flush(); }
}
