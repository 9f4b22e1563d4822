package ssvae.bench;

import ssvae.kernels.cpu.Parallel;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

/** Shared setup of the JMH benchmarks: thread count and seeded F32 CPU tensors. */
final class BenchSupport {
    private BenchSupport() {}

    static void threads(int n) { Parallel.setThreads(n); }

    static Tensor randn(Generator g, int... shape) { return Tensor.randn(g, DType.F32, Device.CPU, shape); }

    static Tensor empty(int... shape) { return Tensor.empty(DType.F32, Device.CPU, shape); }
}
