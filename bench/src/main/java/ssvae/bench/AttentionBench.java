package ssvae.bench;

import org.openjdk.jmh.annotations.*;
import ssvae.tensor.F;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.concurrent.TimeUnit;

/** F.scaledDotProductAttention on q, k, v [batch*heads, L, E] ("BHxLxE"), no mask, default scale. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class AttentionBench {
    @Param({"1x1024x512", "8x1024x64"}) String shape;
    @Param({"1"}) int threads;

    Tensor q, k, v;

    @Setup public void setup() {
        BenchSupport.threads(threads);
        int[] s = java.util.Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
        Generator g = new Generator(5);
        q = BenchSupport.randn(g, s[0], s[1], s[2]);
        k = BenchSupport.randn(g, s[0], s[1], s[2]);
        v = BenchSupport.randn(g, s[0], s[1], s[2]);
    }

    @Benchmark public Tensor sdpa() {
        try (var ng = GradMode.noGrad()) { return F.scaledDotProductAttention(q, k, v, null, false, null); }
    }
}
