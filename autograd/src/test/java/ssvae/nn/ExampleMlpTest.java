package ssvae.nn;

import org.junit.jupiter.api.Test;
import ssvae.optim.AdamW;
import ssvae.tensor.Generator;
import ssvae.tensor.GradMode;
import ssvae.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.*;

/** The training loop on an MLP (matmul and elementwise kernels only): loss falls, held-out accuracy well above chance. */
class ExampleMlpTest {
    @Test void mlpLearnsTheShapes() {
        Generator g = new Generator(0);
        Shapes16 test = Shapes16.make(256, new Generator(1));
        Sequential net = new Sequential(new Flatten(), new Linear(256, 32, g), new SiLU(), new Linear(32, 4, g));
        AdamW opt = new AdamW(net.parameters(), 3e-3);
        double first = 0, last = 0;
        for (int step = 0; step < 150; step++) {
            Shapes16 b = Shapes16.make(32, g); // a fresh batch each step
            Tensor loss = CrossEntropyLoss.crossEntropy(net.forward(b.x()), b.y());
            opt.zeroGrad();
            loss.backward();
            opt.step();
            if (step == 0) first = loss.item();
            last = loss.item();
        }
        net.eval();
        double acc;
        try (var ng = GradMode.noGrad()) { acc = Shapes16.accuracy(net.forward(test.x()), test.y()); }
        System.out.printf("ExampleMlpTest: loss %.3f -> %.3f, test accuracy %.3f%n", first, last, acc);
        assertTrue(last < first / 2, "loss " + first + " -> " + last);
        assertTrue(acc >= 0.8, "test accuracy " + acc);
    }
}
