package ssvae.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ssvae.bench.QuickBench;
import ssvae.kernels.cpu.Parallel;

import java.util.concurrent.Callable;

/**
 * `ssvae bench`: quick kernel timings as JSON lines (op, shape fields, threads, ms_median, gflops; with one thread also
 * cpu_ms_median and gflops_cpu). The global --threads sets the thread count. For full JMH runs use
 * `java -jar bench/target/benchmarks.jar`.
 */
@Command(name = "bench", description = "Time CPU kernels; prints one JSON line per measurement.",
        subcommands = {BenchCommand.Gemm.class, BenchCommand.Conv3d.class, BenchCommand.Anchors.class})
public final class BenchCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    static void positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException("bench: --" + name + " must be >= 1, got " + v);
    }

    static final class Common {
        @Option(names = "--iters", description = "timed calls; the median is reported (default: ${DEFAULT-VALUE})", defaultValue = "5")
        int iters;

        @Option(names = "--warmup", description = "warm-up seconds of CPU time before timing (default: ${DEFAULT-VALUE})", defaultValue = "2")
        double warmup;
    }

    @Command(name = "gemm", description = "F32 matrix product C[M,N] = A[M,K] B[K,N] (2*M*N*K FLOPs).")
    static final class Gemm implements Callable<Integer> {
        @Option(names = "--m", defaultValue = "1024") int m;
        @Option(names = "--n", defaultValue = "1024") int n;
        @Option(names = "--k", defaultValue = "1024") int k;
        @picocli.CommandLine.Mixin Common common = new Common();

        @Override public Integer call() {
            positive("m", m); positive("n", n); positive("k", k); positive("iters", common.iters);
            System.out.println(QuickBench.gemm(m, n, k, Parallel.threads(), common.iters, common.warmup).json());
            return 0;
        }
    }

    @Command(name = "conv3d", description = "conv3d kernel 3x3x3, stride 1, padding 1, batch 1, F32 "
            + "(forward 2*Cout*Cin*27*T*H*W FLOPs; --backward adds grad of input and weight, counted as 3x).")
    static final class Conv3d implements Callable<Integer> {
        @Option(names = "--cin", defaultValue = "64") int cin;
        @Option(names = "--cout", defaultValue = "64") int cout;
        @Option(names = "--t", defaultValue = "17") int t;
        @Option(names = "--h", defaultValue = "64") int h;
        @Option(names = "--w", defaultValue = "64") int w;
        @Option(names = "--backward", description = "time forward + grad-input + grad-weight") boolean backward;
        @picocli.CommandLine.Mixin Common common = new Common();

        @Override public Integer call() {
            positive("cin", cin); positive("cout", cout); positive("t", t); positive("h", h); positive("w", w);
            positive("iters", common.iters);
            System.out.println(QuickBench.conv3d(cin, cout, t, h, w, 3, backward, Parallel.threads(), common.iters, common.warmup).json());
            return 0;
        }
    }

    @Command(name = "anchors", description = "The five conv3d shapes of ANCHORS.md, forward and forward+backward, and SGEMM 1024^3.")
    static final class Anchors implements Callable<Integer> {
        @picocli.CommandLine.Mixin Common common = new Common();

        @Override public Integer call() {
            positive("iters", common.iters);
            int th = Parallel.threads();
            System.out.println(QuickBench.gemm(1024, 1024, 1024, th, common.iters, common.warmup).json());
            for (int[] s : QuickBench.ANCHOR_SHAPES)
                for (boolean bwd : new boolean[] {false, true})
                    System.out.println(QuickBench.conv3d(s[0], s[1], s[2], s[3], s[4], 3, bwd, th, common.iters, common.warmup).json());
            return 0;
        }
    }
}
