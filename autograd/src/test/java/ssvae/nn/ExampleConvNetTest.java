package ssvae.nn;

import org.junit.jupiter.api.Test;
import ssvae.optim.AdamW;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine used alone (tensor + kernels + autograd): a small conv net (Conv2d, GroupNorm, SiLU, average
 * pooling, Linear) learns to tell horizontal bars, vertical bars, diagonals and blobs apart in noisy 16x16 images.
 * The same code is shown in the README section "Using the engine alone".
 */
class ExampleConvNetTest {
    @Test void convNetLearnsTheShapes() {
        long t0 = System.nanoTime(), c0 = cpuNanos();
        Generator g = new Generator(0);
        Sequential net = new Sequential(
                new Conv2d(1, 8, 3, 1, 1, g), new GroupNorm(2, 8), new SiLU(), new AvgPool2d(2),   // 16x16 -> 8x8
                new Conv2d(8, 16, 3, 1, 1, g), new GroupNorm(4, 16), new SiLU(), new AvgPool2d(8), // 8x8 -> 1x1
                new Flatten(), new Linear(16, 4, g));
        AdamW opt = new AdamW(net.parameters(), 1e-2);
        for (int step = 0; step < 150; step++) {
            Shapes16 batch = Shapes16.make(32, g);                 // a fresh batch each step
            Tensor loss = CrossEntropyLoss.crossEntropy(net.forward(batch.x()), batch.y());
            opt.zeroGrad();
            loss.backward();
            opt.step();
        }
        net.eval();
        Shapes16 test = Shapes16.make(512, new Generator(1));
        double acc;
        try (var ng = GradMode.noGrad()) { acc = Shapes16.accuracy(net.forward(test.x()), test.y()); }
        System.out.printf("ExampleConvNetTest: test accuracy %.3f after 150 steps, %.1f s wall, %.1f s process CPU%n",
                acc, (System.nanoTime() - t0) / 1e9, (cpuNanos() - c0) / 1e9);
        assertTrue(acc >= 0.95, "test accuracy " + acc);
    }

    static long cpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }
}
