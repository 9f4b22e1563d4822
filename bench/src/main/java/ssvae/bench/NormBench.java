package ssvae.bench;

import org.openjdk.jmh.annotations.*;
import ssvae.tensor.F;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.concurrent.TimeUnit;

/** F.groupNorm (32 groups, affine) and F.normalize (L2 over channels) on a video activation [1, C, T, H, W]. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class NormBench {
    @Param({"128x9x32x32"}) String shape;
    @Param({"1"}) int threads;

    Tensor x, weight, bias;

    @Setup public void setup() {
        BenchSupport.threads(threads);
        int[] s = java.util.Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
        Generator g = new Generator(3);
        x = BenchSupport.randn(g, 1, s[0], s[1], s[2], s[3]);
        weight = BenchSupport.randn(g, s[0]);
        bias = BenchSupport.randn(g, s[0]);
    }

    @Benchmark public Tensor groupNorm() {
        try (var ng = GradMode.noGrad()) { return F.groupNorm(x, 32, weight, bias, 1e-6); }
    }

    @Benchmark public Tensor normalizeL2() {
        try (var ng = GradMode.noGrad()) { return F.normalize(x, 2, 1, 1e-12); }
    }
}
