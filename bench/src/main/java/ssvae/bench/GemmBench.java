package ssvae.bench;

import org.openjdk.jmh.annotations.*;
import ssvae.tensor.Backend;
import ssvae.tensor.Backends;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import java.util.concurrent.TimeUnit;

/** F32 SGEMM C[1,n,n] = A B through the CPU backend (2 n^3 FLOPs per call). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBench {
    @Param({"1024"}) int size;
    @Param({"1"}) int threads;

    Tensor a, b, c;
    Backend be;

    @Setup public void setup() {
        BenchSupport.threads(threads);
        Generator g = new Generator(1);
        a = BenchSupport.randn(g, 1, size, size);
        b = BenchSupport.randn(g, 1, size, size);
        c = BenchSupport.empty(1, size, size);
        be = Backends.get(Device.CPU);
    }

    @Benchmark public Tensor sgemm() { be.matmul(a, b, c); return c; }
}
