package ssvae.bench;

import org.openjdk.jmh.annotations.*;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import java.util.concurrent.TimeUnit;

/** Elementwise add (same shape and channel-broadcast) and SiLU on a video activation. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ElementwiseBench {
    @Param({"128x9x32x32"}) String shape;
    @Param({"1"}) int threads;

    Tensor a, b, perChannel;

    @Setup public void setup() {
        BenchSupport.threads(threads);
        int[] s = java.util.Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
        Generator g = new Generator(4);
        a = BenchSupport.randn(g, 1, s[0], s[1], s[2], s[3]);
        b = BenchSupport.randn(g, 1, s[0], s[1], s[2], s[3]);
        perChannel = BenchSupport.randn(g, 1, s[0], 1, 1, 1);
    }

    @Benchmark public Tensor add() { try (var ng = GradMode.noGrad()) { return a.add(b); } }

    @Benchmark public Tensor addBroadcast() { try (var ng = GradMode.noGrad()) { return a.add(perChannel); } }

    @Benchmark public Tensor silu() { try (var ng = GradMode.noGrad()) { return a.silu(); } }
}
