package ssvae.vae.disc;

import org.junit.jupiter.api.Test;
import ssvae.tensor.Tensor;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** vqperceptual losses against plain loops over the logits. */
class GanLossesTest {
    static double[] rnd(long seed, int n, double scale) {
        Random r = new Random(seed);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = r.nextGaussian() * scale;
        return d;
    }

    static double mean(double[] a, java.util.function.DoubleUnaryOperator f) {
        double s = 0;
        for (double v : a) s += f.applyAsDouble(v);
        return s / a.length;
    }

    @Test void hingeVanillaAndGeneratorMatchLoops() {
        double[] real = rnd(1, 30, 2), fake = rnd(2, 30, 2);
        Tensor r = Tensor.fromArray(real, 2, 1, 3, 5), f = Tensor.fromArray(fake, 2, 1, 3, 5);
        double hinge = 0.5 * (mean(real, v -> Math.max(0, 1 - v)) + mean(fake, v -> Math.max(0, 1 + v)));
        assertEquals(hinge, GanLosses.hinge(r, f).item(), 1e-12);
        double vanilla = 0.5 * (mean(real, v -> Math.log1p(Math.exp(-v))) + mean(fake, v -> Math.log1p(Math.exp(v))));
        assertEquals(vanilla, GanLosses.vanilla(r, f).item(), 1e-12);
        assertEquals(-mean(fake, v -> v), GanLosses.generator(f).item(), 1e-12);
    }

    @Test void softplusIsStableForLargeLogits() {
        Tensor big = Tensor.fromArray(new double[] {-800, 800}, 2);
        // softplus(-(-800)) = 800, softplus(800) = 800 for the real term; fake term softplus(800)
        assertEquals(0.5 * ((800 + 0) / 2.0 + (0 + 800) / 2.0), GanLosses.vanilla(big, big).item(), 1e-9);
    }

    @Test void tuplesAverageThePerDiscriminatorLosses() {
        Tensor a = Tensor.fromArray(rnd(3, 8, 1), 8), b = Tensor.fromArray(rnd(4, 8, 1), 8);
        Tensor c = Tensor.fromArray(rnd(5, 6, 1), 6), d = Tensor.fromArray(rnd(6, 6, 1), 6);
        double want = (GanLosses.hinge(a, b).item() + GanLosses.hinge(c, d).item()) / 2;
        assertEquals(want, GanLosses.discriminator("hinge", List.of(a, c), List.of(b, d)).item(), 1e-12);
        assertEquals((GanLosses.generator(b).item() + GanLosses.generator(d).item()) / 2, GanLosses.generator(List.of(b, d)).item(), 1e-12);
    }
}
