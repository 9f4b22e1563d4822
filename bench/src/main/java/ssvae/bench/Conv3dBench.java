package ssvae.bench;

import org.openjdk.jmh.annotations.*;
import ssvae.tensor.Backend;
import ssvae.tensor.Backends;
import ssvae.tensor.ConvParams;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import java.util.concurrent.TimeUnit;

/**
 * conv3d kernel 3x3x3, stride 1, padding 1, batch 1, F32 on the ANCHORS.md shapes ("CINxCOUTxTxHxW"):
 * forward, grad-input and grad-weight kernels separately (each 2*Cout*Cin*27*T*H*W FLOPs).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class Conv3dBench {
    @Param({"64x64x17x64x64", "128x128x9x32x32", "256x256x5x16x16", "512x512x5x16x16", "3x32x17x128x128"}) String shape;
    @Param({"1"}) int threads;

    Tensor x, w, bias, out, gOut, gx, gw;
    ConvParams p;
    Backend be;

    @Setup public void setup() {
        BenchSupport.threads(threads);
        int[] s = java.util.Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
        Generator g = new Generator(2);
        x = BenchSupport.randn(g, 1, s[0], s[2], s[3], s[4]);
        w = BenchSupport.randn(g, s[1], s[0], 3, 3, 3);
        bias = BenchSupport.randn(g, s[1]);
        out = BenchSupport.empty(1, s[1], s[2], s[3], s[4]);
        gOut = BenchSupport.randn(g, 1, s[1], s[2], s[3], s[4]);
        gx = BenchSupport.empty(x.shape());
        gw = BenchSupport.empty(w.shape());
        p = ConvParams.simple(1, 1);
        be = Backends.get(Device.CPU);
    }

    @Benchmark public Tensor forward() { be.convForward(p, x, w, bias, out); return out; }

    @Benchmark public Tensor gradInput() { be.convBackwardInput(p, gOut, w, gx); return gx; }

    @Benchmark public Tensor gradWeight() { be.convBackwardWeight(p, x, gOut, gw); return gw; }
}
