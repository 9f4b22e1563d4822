package ssvae.bench;

import ssvae.kernels.cpu.Parallel;
import ssvae.tensor.Backend;
import ssvae.tensor.Backends;
import ssvae.tensor.ConvParams;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Quick timing runner behind `ssvae bench`: times raw CPU kernels (no autograd overhead) and prints one JSON line per
 * measurement with op, the shape fields, threads, ms_median, gflops. Warm-up runs until warmupSeconds have passed
 * (at least two calls), then iters timed calls; the median is reported.
 */
public final class QuickBench {
    private QuickBench() {}

    /** One measurement: the fields printed as a JSON line. */
    public record Result(Map<String, Object> fields) {
        public String json() {
            StringBuilder sb = new StringBuilder("{");
            for (var e : fields.entrySet()) {
                if (sb.length() > 1) sb.append(", ");
                sb.append('"').append(e.getKey()).append("\": ");
                Object v = e.getValue();
                if (v instanceof String s) sb.append('"').append(s).append('"');
                else if (v instanceof Double d) sb.append(String.format(Locale.ROOT, "%.3f", d));
                else sb.append(v);
            }
            return sb.append('}').toString();
        }
    }

    /** Wall-clock and calling-thread CPU-time medians of one timed body, in ms. */
    record Timing(double wallMs, double cpuMs) {}

    static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();

    static Timing time(Runnable body, int iters, double warmupSeconds) {
        // warm up for warmupSeconds of this thread's CPU time (robust when other processes share the cores)
        long until = MX.getCurrentThreadCpuTime() + (long) (warmupSeconds * 1e9), wallLimit = System.nanoTime() + (long) (20 * warmupSeconds * 1e9);
        int w = 0;
        while (w < 2 || (MX.getCurrentThreadCpuTime() < until && System.nanoTime() < wallLimit)) { body.run(); w++; }
        double[] t = new double[Math.max(1, iters)], c = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            long s = System.nanoTime(), cs = MX.getCurrentThreadCpuTime();
            body.run();
            t[i] = (System.nanoTime() - s) / 1e6;
            c[i] = (MX.getCurrentThreadCpuTime() - cs) / 1e6;
        }
        return new Timing(median(t), median(c));
    }

    static double median(double[] v) {
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * Common fields. With one thread the work runs on the calling thread, so its CPU time is also reported
     * (cpu_ms_median, gflops_cpu): on a shared, loaded machine it excludes time the thread spent descheduled.
     */
    static Map<String, Object> fields(String op, Map<String, Object> shape, int threads, Timing t, double flops) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("op", op);
        f.putAll(shape);
        f.put("threads", threads);
        f.put("ms_median", t.wallMs());
        f.put("gflops", flops / t.wallMs() / 1e6);
        if (threads == 1) { f.put("cpu_ms_median", t.cpuMs()); f.put("gflops_cpu", flops / t.cpuMs() / 1e6); }
        return f;
    }

    static Backend cpu() { return Backends.get(Device.CPU); }

    /** C[1,M,N] = A[1,M,K] B[1,K,N] in F32; 2*M*N*K FLOPs. */
    public static Result gemm(int m, int n, int k, int threads, int iters, double warmup) {
        Parallel.setThreads(threads);
        Generator g = new Generator(1);
        Tensor a = Tensor.randn(g, DType.F32, Device.CPU, 1, m, k), b = Tensor.randn(g, DType.F32, Device.CPU, 1, k, n);
        Tensor c = Tensor.empty(DType.F32, Device.CPU, 1, m, n);
        Backend be = cpu();
        Timing t = time(() -> be.matmul(a, b, c), iters, warmup);
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("m", m); shape.put("n", n); shape.put("k", k);
        return new Result(fields("gemm", shape, threads, t, 2.0 * m * n * k));
    }

    /**
     * conv3d with a cubic kernel, stride 1, padding kernel/2, batch 1, F32. Forward FLOPs 2*Cout*Cin*k^3*T*H*W;
     * with backward the timed body is forward + grad-input + grad-weight, counted as 3x the forward FLOPs, and the
     * medians of the three parts within those calls are reported too (fwd_ms_median, bwd_input_ms_median,
     * bwd_weight_ms_median: each part as it runs in the sequence, with what the one before left in the caches).
     */
    public static Result conv3d(int cin, int cout, int t, int h, int w, int kernel, boolean backward, int threads, int iters, double warmup) {
        Parallel.setThreads(threads);
        Generator g = new Generator(2);
        Tensor x = Tensor.randn(g, DType.F32, Device.CPU, 1, cin, t, h, w);
        Tensor wt = Tensor.randn(g, DType.F32, Device.CPU, cout, cin, kernel, kernel, kernel);
        Tensor bias = Tensor.randn(g, DType.F32, Device.CPU, cout);
        ConvParams p = ConvParams.simple(1, kernel / 2);
        int ot = p.outSize(0, t, kernel), oh = p.outSize(1, h, kernel), ow = p.outSize(2, w, kernel);
        Tensor out = Tensor.empty(DType.F32, Device.CPU, 1, cout, ot, oh, ow);
        Tensor gOut = Tensor.randn(g, DType.F32, Device.CPU, 1, cout, ot, oh, ow);
        Tensor gx = Tensor.empty(DType.F32, Device.CPU, x.shape()), gw = Tensor.empty(DType.F32, Device.CPU, wt.shape());
        Backend be = cpu();
        // with backward, each call's three parts are timed too (the last iters calls give per-part medians)
        java.util.List<double[]> parts = new java.util.ArrayList<>();
        Runnable body = backward
                ? () -> {
                    long s0 = System.nanoTime();
                    be.convForward(p, x, wt, bias, out);
                    long s1 = System.nanoTime();
                    be.convBackwardInput(p, gOut, wt, gx);
                    long s2 = System.nanoTime();
                    be.convBackwardWeight(p, x, gOut, gw);
                    long s3 = System.nanoTime();
                    parts.add(new double[] {(s1 - s0) / 1e6, (s2 - s1) / 1e6, (s3 - s2) / 1e6});
                }
                : () -> be.convForward(p, x, wt, bias, out);
        Timing tm = time(body, iters, warmup);
        double flops = 2.0 * cout * cin * kernel * kernel * kernel * ot * oh * ow * (backward ? 3 : 1);
        Map<String, Object> f = fields(backward ? "conv3d_fwd_bwd" : "conv3d_fwd", convShape(cin, cout, t, h, w, kernel), threads, tm, flops);
        if (backward) {
            java.util.List<double[]> timed = parts.subList(parts.size() - Math.max(1, iters), parts.size());
            String[] names = {"fwd_ms_median", "bwd_input_ms_median", "bwd_weight_ms_median"};
            for (int i = 0; i < 3; i++) {
                int part = i;
                f.put(names[i], median(timed.stream().mapToDouble(v -> v[part]).toArray()));
            }
        }
        return new Result(f);
    }

    /** One conv3d kernel alone: "fwd", "bwd_input" or "bwd_weight". */
    public static Result conv3dPart(String part, int cin, int cout, int t, int h, int w, int threads, int iters, double warmup) {
        Parallel.setThreads(threads);
        Generator g = new Generator(2);
        Tensor x = Tensor.randn(g, DType.F32, Device.CPU, 1, cin, t, h, w);
        Tensor wt = Tensor.randn(g, DType.F32, Device.CPU, cout, cin, 3, 3, 3);
        ConvParams p = ConvParams.simple(1, 1);
        Tensor out = Tensor.empty(DType.F32, Device.CPU, 1, cout, t, h, w);
        Tensor gx = Tensor.empty(DType.F32, Device.CPU, x.shape()), gw = Tensor.empty(DType.F32, Device.CPU, wt.shape());
        Backend be = cpu();
        Runnable body = switch (part) {
            case "fwd" -> () -> be.convForward(p, x, wt, null, out);
            case "bwd_input" -> () -> be.convBackwardInput(p, out, wt, gx);
            case "bwd_weight" -> () -> be.convBackwardWeight(p, x, out, gw);
            default -> throw new IllegalArgumentException("conv3d part must be fwd, bwd_input or bwd_weight, got " + part);
        };
        Timing tm = time(body, iters, warmup);
        return new Result(fields("conv3d_" + part, convShape(cin, cout, t, h, w, 3), threads, tm, 2.0 * cout * cin * 27 * t * h * w));
    }

    static Map<String, Object> convShape(int cin, int cout, int t, int h, int w, int kernel) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("cin", cin); f.put("cout", cout); f.put("t", t); f.put("h", h); f.put("w", w); f.put("kernel", kernel);
        return f;
    }

    /** The five conv3d shapes of ANCHORS.md: {cin, cout, t, h, w}. */
    public static final int[][] ANCHOR_SHAPES = {
            {64, 64, 17, 64, 64}, {128, 128, 9, 32, 32}, {256, 256, 5, 16, 16}, {512, 512, 5, 16, 16}, {3, 32, 17, 128, 128}};

    /**
     * Usage: QuickBench gemm M N K [threads iters] | conv3d CIN COUT T H W [threads iters backward] |
     * conv3dpart PART CIN COUT T H W [threads iters] | anchors [threads iters].
     */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: QuickBench gemm M N K [threads iters] | conv3d CIN COUT T H W [threads iters fwd|bwd] | "
                    + "conv3dpart fwd|bwd_input|bwd_weight CIN COUT T H W [threads iters] | anchors [threads iters]");
            System.exit(2);
        }
        int[] v = Arrays.stream(args).skip(1).filter(s -> s.matches("\\d+")).mapToInt(Integer::parseInt).toArray();
        switch (args[0]) {
            case "gemm" -> System.out.println(gemm(v[0], v[1], v[2], at(v, 3, 1), at(v, 4, 5), 2).json());
            case "conv3d" -> System.out.println(conv3d(v[0], v[1], v[2], v[3], v[4], 3, args[args.length - 1].equals("bwd"),
                    at(v, 5, 1), at(v, 6, 5), 2).json());
            case "conv3dpart" -> System.out.println(conv3dPart(args[1], v[0], v[1], v[2], v[3], v[4], at(v, 5, 1), at(v, 6, 5), 2).json());
            case "anchors" -> {
                for (int[] s : ANCHOR_SHAPES) for (boolean bwd : new boolean[] {false, true})
                    System.out.println(conv3d(s[0], s[1], s[2], s[3], s[4], 3, bwd, at(v, 0, 1), at(v, 1, 5), 2).json());
            }
            default -> throw new IllegalArgumentException("unknown QuickBench op " + args[0]);
        }
    }

    private static int at(int[] v, int i, int def) { return i < v.length ? v[i] : def; }
}
