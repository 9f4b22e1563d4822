package ssvae.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ssvae.kernels.cuda.CudaTwin.CPU;
import static ssvae.kernels.cuda.CudaTwin.accumulated;
import static ssvae.kernels.cuda.CudaTwin.assertCloseHost;
import static ssvae.kernels.cuda.CudaTwin.cpuEmpty;
import static ssvae.kernels.cuda.CudaTwin.cpuRandom;
import static ssvae.kernels.cuda.CudaTwin.elementwise;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssvae.tensor.BinaryOp;
import ssvae.tensor.ConvParams;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.InterpMode;
import ssvae.tensor.PoolParams;
import ssvae.tensor.RandomKind;
import ssvae.tensor.Tensor;
import ssvae.tensor.UnaryOp;

/**
 * Runs the CUDA kernels' per-element bodies on the host (src-cu/host/host_check.cu, compiled with nvcc for the CPU)
 * with the exact structs and raw buffers the CUDA backend would hand to the GPU, and compares with the CPU backend:
 * checks struct layouts, dtype conversions, strided/broadcast index math, implicit-GEMM conv views, interpolation,
 * max-pool, index ops and Philox fills without a GPU. Tolerances as in CudaOpsTest. Skipped without nvcc and g++.
 */
class HostEmulationTest {
    private static Path exe;
    private static String missing = "";

    @TempDir Path dir;

    private static Path tool(String name, String... extra) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":"))
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) return Path.of(d, name);
        for (String e : extra) if (Files.isExecutable(Path.of(e))) return Path.of(e);
        return null;
    }

    @BeforeAll static void build() throws Exception {
        Path nvcc = tool("nvcc", "/usr/local/cuda/bin/nvcc"), gxx = tool("g++");
        if (nvcc == null || gxx == null) { missing = "no nvcc/g++ on this machine: host emulation of the CUDA kernels skipped"; return; }
        Path src = Path.of("../src-cu/host/host_check.cu").toAbsolutePath().normalize();
        Path out = Path.of("target/host-check/host_check").toAbsolutePath();
        Files.createDirectories(out.getParent());
        long newest = 0;
        try (var files = Files.walk(src.getParent().getParent())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String n = f.getFileName().toString();
                if (n.endsWith(".cu") || n.endsWith(".cuh")) newest = Math.max(newest, Files.getLastModifiedTime(f).toMillis());
            }
        }
        if (!Files.exists(out) || Files.getLastModifiedTime(out).toMillis() < newest) {
            Process p = new ProcessBuilder(nvcc.toString(), "-std=c++17", "-arch=sm_80", "-O1", "-o", out.toString(), src.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new AssertionError("host_check did not compile:\n" + log);
        }
        exe = out;
    }

    private static void need() { Assumptions.assumeTrue(exe != null, missing); }

    // ------------------------------------------------------------------ batch of jobs, one host_check run per test

    private final java.util.List<String> jobs = new java.util.ArrayList<>();
    private final java.util.List<Runnable> checks = new java.util.ArrayList<>();

    /** One host_check job: its own directory with params.txt, geo.bin, in*.bin, out*.bin. */
    final class Job {
        final Path dir;

        Job(String cmd) throws IOException {
            dir = HostEmulationTest.this.dir.resolve("job" + jobs.size());
            Files.createDirectories(dir);
            jobs.add(cmd + " " + dir);
        }

        Job params(Object... v) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (Object o : v) sb.append(o instanceof Double d ? String.format(Locale.ROOT, "%.17g", d) : o.toString()).append(' ');
            Files.writeString(dir.resolve("params.txt"), sb.toString());
            return this;
        }

        Job file(String name, byte[] bytes) throws IOException { Files.write(dir.resolve(name), bytes); return this; }

        Job geo(byte[] g) throws IOException { return file("geo.bin", g); }

        /** Inputs in0.bin, in1.bin, ... (unused ones are written empty). */
        Job in(Tensor... ts) throws IOException {
            for (int i = 0; i < 4; i++) file("in" + i + ".bin", i < ts.length ? raw(ts[i]) : new byte[8]);
            return this;
        }

        Job out(String name, Tensor t) throws IOException { return file(name, raw(t)); }

        Job out(Tensor t) throws IOException { return out("out.bin", t); }

        /** A host tensor viewed like `like` over the bytes host_check left in file name. */
        Tensor read(String name, Tensor like) {
            try {
                CpuStorage st = new CpuStorage(like.dtype(), like.storage().numel());
                ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(name))).order(ByteOrder.LITTLE_ENDIAN);
                switch (st.array()) {
                    case float[] f -> b.asFloatBuffer().get(f);
                    case double[] f -> b.asDoubleBuffer().get(f);
                    case short[] f -> b.asShortBuffer().get(f);
                    case long[] f -> b.asLongBuffer().get(f);
                    case int[] f -> b.asIntBuffer().get(f);
                    case byte[] f -> b.get(f);
                    default -> throw new IllegalArgumentException();
                }
                return new Tensor(st, like.shape(), like.strides(), like.offset());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        Tensor read(Tensor like) { return read("out.bin", like); }

        String stdout() {
            try { return Files.readString(dir.resolve("stdout.txt")); } catch (IOException e) { throw new java.io.UncheckedIOException(e); }
        }
    }

    private Job job(String cmd) throws IOException { return new Job(cmd); }

    private void check(Runnable r) { checks.add(r); }

    /** Runs every queued job in one host_check process, then every queued check. */
    private void runAll() throws Exception {
        Files.write(dir.resolve("jobs.txt"), jobs);
        Process p = new ProcessBuilder(exe.toString(), "batch", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "host_check batch: " + out);
        for (Runnable r : checks) r.run();
    }

    // ------------------------------------------------------------------ raw buffers

    static byte[] raw(Tensor t) {
        Object a = ((CpuStorage) t.storage()).array();
        int n = t.storage().numel(), w = t.dtype().bytes;
        ByteBuffer b = ByteBuffer.allocate(Math.max(n * w, 1)).order(ByteOrder.LITTLE_ENDIAN);
        switch (a) {
            case float[] f -> b.asFloatBuffer().put(f);
            case double[] f -> b.asDoubleBuffer().put(f);
            case short[] f -> b.asShortBuffer().put(f);
            case long[] f -> b.asLongBuffer().put(f);
            case int[] f -> b.asIntBuffer().put(f);
            case byte[] f -> b.put(f);
            default -> throw new IllegalArgumentException(a.getClass().toString());
        }
        return b.array();
    }

    private static Tensor transposedView(DType dt, long seed, int rows, int cols) {
        Tensor base = cpuRandom(dt, seed, rows, cols);
        return new Tensor(base.storage(), new int[] {cols, rows}, new int[] {1, cols}, 0);
    }

    // ------------------------------------------------------------------ tests

    @Test void structSizesAgreeWithTheJavaPacking() throws Exception {
        need();
        Job j = job("sizes");
        runAll();
        Tensor t = cpuEmpty(DType.F32, 2, 3, 4), idx = Tensor.fromLongs(new long[] {0}, 1);
        ConvParams p = ConvParams.simple(1, 0);
        int[] shape5 = {1, 1, 1, 1, 1};
        Tensor t5 = cpuEmpty(DType.F32, shape5);
        String java = "Geo " + Geometry.elementwise(t.shape(), t).length + " MatGeo " + CudaBackend.matGeo(t, t, t).length
                + " ConvGeo " + CudaBackend.convStruct(p, shape5, shape5, shape5, t5, t5, t5, null).length
                + " InterpArgs " + CudaBackend.interpArgs(InterpMode.LINEAR, false, shape5, shape5, new double[] {1, 1, 1}, DType.F32, DType.F32).length
                + " PoolArgs " + CudaBackend.poolArgs(new PoolParams(new int[] {1, 1, 1}, new int[] {1, 1, 1}, new int[] {0, 0, 0}, false), shape5, shape5, DType.F32).length
                + " IdxArgs " + CudaBackend.idxArgs(0, t, t, idx, 0, 2, t).length;
        assertEquals(java, j.stdout().trim());
    }

    @Test void copyFillUnaryBinaryWhereMatchTheCpu() throws Exception {
        need();
        for (DType s : DType.values()) {
            Tensor src = transposedView(s, 1, 5, 7);
            for (DType d : DType.values()) {
                Tensor out = cpuEmpty(d, 7, 5), got = cpuEmpty(d, 7, 5);
                CPU.copy(src, out);
                Job j = job("ew_copy").params(s.ordinal(), d.ordinal()).geo(Geometry.elementwise(got.shape(), src, got)).in(src).out(got);
                check(() -> assertCloseHost(out, j.read(got), elementwise(d), "copy " + s + " -> " + d));
            }
            Tensor f = cpuRandom(s, 2, 6, 9), fv = new Tensor(f.storage(), new int[] {3, 4}, new int[] {18, 2}, 1);
            Job j = job("ew_fill").params(s.ordinal(), -2.75, (long) -2.75).geo(Geometry.elementwise(fv.shape(), fv)).in().out(fv);
            CPU.fill(fv, -2.75);
            check(() -> assertCloseHost(f, j.read(f), elementwise(s), "fill " + s));
        }
        for (DType d : new DType[] {DType.F32, DType.F64, DType.BF16, DType.F16}) {
            Tensor row = cpuRandom(d, 4, 1, 9);
            Tensor x = new Tensor(row.storage(), new int[] {4, 9}, new int[] {0, 1}, 0);
            for (UnaryOp op : UnaryOp.values()) {
                DType od = op == UnaryOp.ISNAN || op == UnaryOp.ISFINITE || op == UnaryOp.NOT ? DType.BOOL : d;
                double a = op == UnaryOp.CLAMP || op == UnaryOp.CLAMP_GRAD ? -0.5 : 0.3, b = op == UnaryOp.CLAMP || op == UnaryOp.CLAMP_GRAD ? 1.25 : 1.7;
                Tensor out = cpuEmpty(od, 4, 9), got = cpuEmpty(od, 4, 9);
                CPU.unary(op, x, out, a, b);
                Job j = job("ew_unary").params(op.ordinal(), d.ordinal(), od.ordinal(), a, b).geo(Geometry.elementwise(got.shape(), x, got)).in(x).out(got);
                check(() -> assertCloseHost(out, j.read(got), elementwise(od), "unary " + op + " " + d));
            }
        }
        for (DType d : new DType[] {DType.F32, DType.F64, DType.BF16, DType.F16, DType.I64, DType.I32, DType.U8}) {
            Tensor a0 = cpuRandom(d, 5, 3, 1, 5), b0 = cpuRandom(d, 6, 4, 5);
            Tensor a = new Tensor(a0.storage(), new int[] {3, 4, 5}, new int[] {5, 0, 1}, 0);
            Tensor b = new Tensor(b0.storage(), new int[] {3, 4, 5}, new int[] {0, 5, 1}, 0);
            for (BinaryOp op : BinaryOp.values()) {
                DType od = op.isComparison() ? DType.BOOL : d;
                Tensor out = cpuEmpty(od, 3, 4, 5), got = cpuEmpty(od, 3, 4, 5);
                CPU.binary(op, a, b, out);
                Job j = job("ew_binary").params(op.ordinal(), d.ordinal(), d.ordinal(), od.ordinal())
                        .geo(Geometry.elementwise(got.shape(), a, b, got)).in(a, b).out(got);
                check(() -> assertCloseHost(out, j.read(got), elementwise(od), "binary " + op + " " + d));
            }
            Tensor c = transposedView(DType.BOOL, 7, 5, 4);
            Tensor wa = cpuRandom(d, 8, 4, 5), wb = transposedView(d, 9, 5, 4);
            Tensor out = cpuEmpty(d, 4, 5), got = cpuEmpty(d, 4, 5);
            CPU.where(c, wa, wb, out);
            Job j = job("ew_where").params(DType.BOOL.ordinal(), d.ordinal(), d.ordinal(), d.ordinal())
                    .geo(Geometry.elementwise(got.shape(), c, wa, wb, got)).in(c, wa, wb).out(got);
            check(() -> assertCloseHost(out, j.read(got), elementwise(d), "where " + d));
        }
        runAll();
    }

    @Test void matmulViewsMatchTheCpu() throws Exception {
        need();
        int B = 3, M = 13, K = 7, N = 11;
        for (DType d : new DType[] {DType.F32, DType.F64, DType.BF16, DType.F16}) {
            Tensor aBase = cpuRandom(d, 11, B, K, M);
            Tensor a = new Tensor(aBase.storage(), new int[] {B, M, K}, new int[] {K * M, 1, M}, 0);
            Tensor bBase = cpuRandom(d, 12, 1, K, N);
            Tensor b = new Tensor(bBase.storage(), new int[] {B, K, N}, new int[] {0, N, 1}, 0);
            Tensor out = cpuEmpty(d, B, M, N), got = cpuEmpty(d, B, M, N);
            CPU.matmul(a, b, out);
            Job j = job("matmul").params(B).geo(CudaBackend.matGeo(a, b, got)).in(a, b).out(got);
            check(() -> assertCloseHost(out, j.read(got), accumulated(d, K), "matmul " + d));
        }
        runAll();
    }

    @Test void convViewsMatchTheCpu() throws Exception {
        need();
        ConvParams p = new ConvParams(new int[] {1, 2, 1}, new int[] {2, 1, 0}, new int[] {0, 1, 1}, new int[] {1, 1, 2}, 2);
        int[] xs = {2, 4, 5, 7, 6}, ws = {6, 2, 3, 3, 2};
        int[] os = {2, 6, p.outSize(0, 5, 3), p.outSize(1, 7, 3), p.outSize(2, 6, 2)};
        for (DType d : new DType[] {DType.F32, DType.F64, DType.BF16}) {
            Tensor x = cpuRandom(d, 13, xs), w = cpuRandom(d, 14, ws), bias = cpuRandom(d, 15, 6), go = cpuRandom(d, 16, os);
            Tensor out = cpuEmpty(d, os), got = cpuEmpty(d, os);
            CPU.convForward(p, x, w, bias, out);
            Job jf = job("conv_fwd").geo(CudaBackend.convStruct(p, xs, ws, os, x, w, got, bias)).in(x, w, bias).out(got);
            check(() -> assertCloseHost(out, jf.read(got), accumulated(d, 36), "conv forward " + d));
            Tensor gi = cpuEmpty(d, xs), gig = cpuEmpty(d, xs);
            CPU.convBackwardInput(p, go, w, gi);
            Job ji = job("conv_bwd_input").geo(CudaBackend.convStruct(p, xs, ws, os, gig, w, go, null)).in(go, w).out(gig);
            check(() -> assertCloseHost(gi, ji.read(gig), accumulated(d, 54), "conv grad-input " + d));
            Tensor gw = cpuEmpty(d, ws), gwg = cpuEmpty(d, ws);
            CPU.convBackwardWeight(p, x, go, gw);
            Job jw = job("conv_bwd_weight").geo(CudaBackend.convStruct(p, xs, ws, os, x, gwg, go, null)).in(x, go).out(gwg);
            check(() -> assertCloseHost(gw, jw.read(gwg), accumulated(d, os[0] * os[2] * os[3] * os[4]), "conv grad-weight " + d));
        }
        runAll();
    }

    @Test void interpolationMatchesTheCpu() throws Exception {
        need();
        int[] in = {2, 3, 3, 5, 7};
        for (int[] os : List.of(new int[] {2, 3, 6, 10, 14}, new int[] {2, 3, 2, 3, 4}, new int[] {2, 3, 3, 9, 7})) {
            double[] scales = {(double) in[2] / os[2], (double) in[3] / os[3], (double) in[4] / os[4]};
            for (DType d : new DType[] {DType.F32, DType.F64, DType.BF16}) {
                for (InterpMode mode : InterpMode.values()) {
                    for (boolean align : mode == InterpMode.LINEAR ? new boolean[] {false, true} : new boolean[] {false}) {
                        String w = mode + " align " + align + " " + d + " -> " + java.util.Arrays.toString(os);
                        byte[] geo = CudaBackend.interpArgs(mode, align, in, os, scales, d, d);
                        Tensor x = cpuRandom(d, 21, in), y = cpuEmpty(d, os), yg = cpuEmpty(d, os);
                        CPU.interpolate(mode, x, y, align, scales);
                        Job jf = job("interp_fwd").geo(geo).in(x).out(yg);
                        check(() -> assertCloseHost(y, jf.read(yg), accumulated(d, 8), "interpolate " + w));
                        Tensor go = cpuRandom(d, 22, os), gi = cpuEmpty(d, in), gig = Tensor.zeros(d, Device.CPU, in);
                        CPU.interpolateBackward(mode, go, gi, align, scales);
                        Job jb = job("interp_bwd").geo(geo).in(go).out(gig);
                        check(() -> assertCloseHost(gi, jb.read(gig), accumulated(d, 64), "interpolate backward " + w));
                    }
                }
            }
        }
        runAll();
    }

    @Test void maxPoolMatchesTheCpu() throws Exception {
        need();
        PoolParams p = new PoolParams(new int[] {1, 3, 3}, new int[] {1, 2, 2}, new int[] {0, 1, 1}, true);
        int[] in = {2, 3, 4, 9, 8};
        int[] os = {2, 3, p.outSize(0, 4), p.outSize(1, 9), p.outSize(2, 8)};
        for (DType d : new DType[] {DType.F32, DType.F64, DType.BF16}) {
            Tensor x = cpuRandom(d, 23, in);
            ((CpuStorage) x.storage()).setDouble(17, Double.NaN);
            ((CpuStorage) x.storage()).setDouble(18, Double.NaN);
            Tensor y = cpuEmpty(d, os), idx = cpuEmpty(DType.I64, os), yg = cpuEmpty(d, os), idxg = cpuEmpty(DType.I64, os);
            CPU.maxPool(p, x, y, idx);
            byte[] geo = CudaBackend.poolArgs(p, in, os, d);
            Job jf = job("maxpool").geo(geo).in(x).out(yg).out("out2.bin", idxg);
            check(() -> assertCloseHost(y, jf.read(yg), elementwise(d), "max pool " + d));
            check(() -> assertCloseHost(idx, jf.read("out2.bin", idxg), elementwise(DType.I64), "max pool indices " + d));
            Tensor go = cpuRandom(d, 24, os), gi = cpuEmpty(d, in), gig = cpuEmpty(d, in);
            CPU.maxPoolBackward(p, go, idx, gi);
            Job jb = job("maxpool_bwd").geo(geo).in(go, idx).out(gig);
            check(() -> assertCloseHost(gi, jb.read(gig), accumulated(d, 4), "max pool backward " + d));
        }
        runAll();
    }

    /** Index kernels write t1 for kinds 0/2 and t0 for 1/3; host_check returns the written one as out.bin. */
    private Job indexJob(byte[] geo, Tensor t0, Tensor t1, Tensor index) throws IOException {
        return job("index").geo(geo).out(t0).file("in1.bin", raw(t1)).file("in2.bin", raw(index));
    }

    @Test void indexOpsMatchTheCpuAndFlagOutOfRange() throws Exception {
        need();
        for (DType d : new DType[] {DType.F32, DType.F64, DType.I64, DType.BF16}) {
            for (DType it : new DType[] {DType.I64, DType.I32}) {
                String w = d + " " + it;
                Tensor ic = cpuEmpty(it, 5);
                long[] iv = {3, -1, 0, 3, 2};
                for (int i = 0; i < 5; i++) ((CpuStorage) ic.storage()).setLong(i, iv[i]);
                Tensor x = transposedView(d, 25, 6, 4), sel = cpuEmpty(d, 4, 5), selg = cpuEmpty(d, 4, 5);
                CPU.indexSelect(x, 1, ic, sel);
                Job j0 = indexJob(CudaBackend.idxArgs(0, x, selg, ic, 1, 6, selg), x, selg, ic);
                check(() -> assertCloseHost(sel, j0.read(selg), elementwise(d), "index_select " + w));
                Tensor dst = cpuRandom(d, 26, 4, 6), dstg = cpuRandom(d, 26, 4, 6), src = cpuRandom(d, 27, 4, 5);
                CPU.indexAdd(dst, 1, ic, src);
                Job j1 = indexJob(CudaBackend.idxArgs(1, dstg, src, ic, 1, 6, src), dstg, src, ic);
                check(() -> assertCloseHost(dst, j1.read(dstg), accumulated(d, 2), "index_add " + w));
                Tensor gi = cpuEmpty(it, 3, 6);
                for (int i = 0; i < 18; i++) ((CpuStorage) gi.storage()).setLong(i, (i * 7) % 4 - (i % 5 == 0 ? 4 : 0));
                Tensor gx = cpuRandom(d, 28, 4, 6), gout = cpuEmpty(d, 3, 6), goutg = cpuEmpty(d, 3, 6);
                CPU.gather(gx, 0, gi, gout);
                Job j2 = indexJob(CudaBackend.idxArgs(2, gx, goutg, gi, 0, 4, goutg), gx, goutg, gi);
                check(() -> assertCloseHost(gout, j2.read(goutg), elementwise(d), "gather " + w));
                Tensor sd = cpuRandom(d, 29, 4, 6), sdg = cpuRandom(d, 29, 4, 6), ss = cpuRandom(d, 30, 3, 6);
                CPU.scatterAdd(sd, 0, gi, ss);
                Job j3 = indexJob(CudaBackend.idxArgs(3, sdg, ss, gi, 0, 4, gi), sdg, ss, gi);
                check(() -> assertCloseHost(sd, j3.read(sdg), accumulated(d, 3), "scatter_add " + w));
                for (Job j : List.of(j0, j1, j2, j3)) check(() -> assertTrue(j.stdout().contains("err 0"), j.stdout()));
            }
        }
        Tensor x = cpuRandom(DType.F32, 31, 3, 4), bad = Tensor.fromLongs(new long[] {0, 9}, 2), out = cpuEmpty(DType.F32, 3, 2);
        Job jb = indexJob(CudaBackend.idxArgs(0, x, out, bad, 1, 4, out), x, out, bad);
        check(() -> assertTrue(jb.stdout().contains("err 1"), jb.stdout()));
        runAll();
    }

    @Test void reductionsMatchTheCpu() throws Exception {
        need();
        for (DType d : new DType[] {DType.F32, DType.F64, DType.BF16, DType.I64, DType.I32}) {
            Tensor base = cpuRandom(d, 10, 6, 5, 7);
            Tensor x = new Tensor(base.storage(), new int[] {6, 7, 5}, new int[] {35, 1, 7}, 0);
            for (ssvae.tensor.ReduceOp op : new ssvae.tensor.ReduceOp[] {ssvae.tensor.ReduceOp.SUM, ssvae.tensor.ReduceOp.PROD,
                    ssvae.tensor.ReduceOp.MAX, ssvae.tensor.ReduceOp.MIN}) {
                for (int[] os : List.of(new int[] {1, 7, 5}, new int[] {6, 1, 5}, new int[] {1, 7, 1}, new int[] {1, 1, 1})) {
                    if (op == ssvae.tensor.ReduceOp.PROD && os[0] == 1 && os[1] == 1) continue;
                    Tensor out = cpuEmpty(d, os), got = cpuEmpty(d, os);
                    CPU.reduce(op, x, out);
                    Geometry.Reduction r = Geometry.reduction(x, got);
                    Job j = job("reduce").params(op.ordinal(), d.ordinal(), d.ordinal()).geo(Geometry.reduceStruct(r, x.offset(), got.offset())).in(x).out(got);
                    check(() -> assertCloseHost(out, j.read(got), accumulated(d, 210), "reduce " + op + " " + d + " " + java.util.Arrays.toString(os)));
                }
            }
            for (ssvae.tensor.ReduceOp op : new ssvae.tensor.ReduceOp[] {ssvae.tensor.ReduceOp.ARGMAX, ssvae.tensor.ReduceOp.ARGMIN}) {
                for (int dim = 0; dim < 3; dim++) {
                    int[] os = {6, 7, 5};
                    os[dim] = 1;
                    Tensor out = cpuEmpty(DType.I64, os), got = cpuEmpty(DType.I64, os);
                    CPU.argReduce(op, x, dim, out);
                    Job j = job("argreduce").params(op.ordinal(), d.ordinal(), x.size(dim), x.stride(dim)).geo(CudaBackend.argGeometry(x, got)).in(x).out(got);
                    String w = op + " dim " + dim + " " + d;
                    check(() -> assertCloseHost(out, j.read(got), elementwise(DType.I64), w));
                }
            }
        }
        runAll();
    }

    @Test void softmaxAndNormalizeColumnsMatchTheCpu() throws Exception {
        need();
        for (DType d : new DType[] {DType.F32, DType.F64, DType.BF16}) {
            for (int[] v : new int[][] {{3, 37, 5}, {6, 41, 1}}) {
                int outer = v[0], n = v[1], inner = v[2];
                Tensor x = cpuRandom(d, 17, v), gy = cpuRandom(d, 18, v);
                for (boolean log : new boolean[] {false, true}) {
                    Tensor y = cpuEmpty(d, v), yg = cpuEmpty(d, v), gx = cpuEmpty(d, v), gxg = cpuEmpty(d, v);
                    CPU.softmax(x, 1, log, y);
                    CPU.softmaxBackward(y, gy, 1, log, gx);
                    Job jf = job("softmax").params(d.ordinal(), outer, n, inner, log ? 1 : 0).in(x).out(yg);
                    Job jb = job("softmax_bwd").params(d.ordinal(), outer, n, inner, log ? 1 : 0).in(y, gy).out(gxg);
                    check(() -> assertCloseHost(y, jf.read(yg), accumulated(d, n), "softmax " + d + " log " + log));
                    check(() -> assertCloseHost(gx, jb.read(gxg), accumulated(d, n), "softmax backward " + d + " log " + log));
                }
                DType sd = d == DType.F64 ? DType.F64 : DType.F32;
                for (ssvae.tensor.NormMode mode : ssvae.tensor.NormMode.values()) {
                    String w = mode + " " + d + " " + java.util.Arrays.toString(v);
                    Tensor y = cpuEmpty(d, v), mean = cpuEmpty(sd, outer, inner), rstd = cpuEmpty(sd, outer, inner);
                    Tensor yg = cpuEmpty(d, v), meang = cpuEmpty(sd, outer, inner), rstdg = cpuEmpty(sd, outer, inner);
                    CPU.normalize(mode, x, outer, n, inner, 1e-5, y, mean, rstd);
                    byte[] geo = CudaBackend.normArgs(mode, outer, n, inner, x, rstdg, 1e-5);
                    Job jf = job("norm").geo(geo).in(x).out(yg).out("out2.bin", meang).out("out3.bin", rstdg);
                    check(() -> assertCloseHost(y, jf.read(yg), accumulated(d, n), "normalize " + w));
                    check(() -> assertCloseHost(rstd, jf.read("out3.bin", rstdg), accumulated(sd, n), "normalize rstd " + w));
                    if (mode == ssvae.tensor.NormMode.CENTERED)
                        check(() -> assertCloseHost(mean, jf.read("out2.bin", meang), accumulated(sd, n), "normalize mean " + w));
                    Tensor gx = cpuEmpty(d, v), gxg = cpuEmpty(d, v);
                    CPU.normalizeBackward(mode, x, outer, n, inner, 1e-5, mean, rstd, gy, gx);
                    Job jb = job("norm_bwd").geo(geo).in(x, mean, rstd, gy).out(gxg);
                    check(() -> assertCloseHost(gx, jb.read(gxg), accumulated(d, n), "normalize backward " + w));
                }
            }
        }
        runAll();
    }

    @Test void lcrWindowsAndGradientMatchTheReference() throws Exception {
        need();
        int[] s = {2, 3, 5, 4, 4}, win = {2, 2, 2};
        Tensor zc = cpuRandom(DType.F64, 50, s), zeros = Tensor.zeros(DType.F64, Device.CPU, s);
        double gFirst = 0.7, gVideo = -1.3;
        Job[] parts = new Job[2];
        for (int part = 0; part < 2; part++)
            parts[part] = job("lcr").params((part == 0 ? gFirst : gVideo) / CudaBackend.lcrCount(s, win, part))
                    .geo(CudaBackend.lcrArgs(s, win, part, DType.F64)).in(zc).out(zeros);
        runAll();
        double[] z = zc.toDoubleArray();
        double[] ref = CudaFusedTest.lcrReference(z, s, win);
        double[] grad = new double[z.length];
        for (int part = 0; part < 2; part++) {
            double sum = Double.parseDouble(parts[part].stdout().trim().substring(4));
            assertEquals(ref[part], sum / CudaBackend.lcrCount(s, win, part), 1e-12, "LCR part " + part);
            double[] g = parts[part].read(zeros).toDoubleArray();
            for (int i = 0; i < z.length; i++) grad[i] += g[i];
        }
        for (int i = 0; i < z.length; i += 5) {
            double keep = z[i];
            z[i] = keep + 1e-6;
            double[] up = CudaFusedTest.lcrReference(z, s, win);
            z[i] = keep - 1e-6;
            double[] dn = CudaFusedTest.lcrReference(z, s, win);
            z[i] = keep;
            double fd = (gFirst * (up[0] - dn[0]) + gVideo * (up[1] - dn[1])) / 2e-6;
            assertEquals(fd, grad[i], 1e-7 + 1e-5 * Math.abs(fd), "LCR gradient element " + i);
        }
    }

    @Test void philoxFillsMatchTheCpuBitForBit() throws Exception {
        need();
        long seed = 0xdead_beef_1234L, offset = (1L << 32) - 2;
        for (DType d : new DType[] {DType.F32, DType.F64, DType.BF16}) {
            for (RandomKind k : RandomKind.values()) {
                Tensor out = cpuEmpty(d, 1001), got = cpuEmpty(d, 1001);
                double a = k == RandomKind.BERNOULLI ? 0.3 : -1.5, b = 2.5;
                CPU.random(k, out, a, b, seed, offset);
                Job j = job("random").params(k.ordinal(), d.ordinal(), 1001, a, b)
                        .file("seed.txt", (Long.toUnsignedString(seed) + " " + Long.toUnsignedString(offset)).getBytes(StandardCharsets.US_ASCII))
                        .out(got);
                CudaTwin.Tol tol = k == RandomKind.NORMAL ? new CudaTwin.Tol(1e-6, d == DType.F64 ? 1e-13 : 2e-7) : new CudaTwin.Tol(0, 0);
                CudaTwin.Tol t = d == DType.BF16 && k == RandomKind.NORMAL ? elementwise(d) : tol;
                check(() -> assertCloseHost(out, j.read(got), t, "random " + k + " " + d));
            }
        }
        runAll();
    }
}
