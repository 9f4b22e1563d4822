package ssvae.nn;

import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

/**
 * A seeded synthetic image task: noisy 16x16 single-channel images of four classes,
 * 0 horizontal bar, 1 vertical bar, 2 diagonal line, 3 round blob, at random positions and sizes.
 */
record Shapes16(Tensor x, Tensor y) {
    static final int S = 16;

    static Shapes16 make(int n, Generator g) {
        float[] img = new float[n * S * S];
        long[] lab = new long[n];
        for (int k = 0; k < n; k++) {
            int c = g.nextInt(4);
            lab[k] = c;
            int o = k * S * S;
            switch (c) {
                case 0, 1 -> { // a bar: thickness 2, length 8..16
                    int len = 8 + g.nextInt(9), at = 1 + g.nextInt(S - 3), from = g.nextInt(S - len + 1);
                    for (int t = 0; t < 2; t++)
                        for (int i = from; i < from + len; i++) {
                            int r = c == 0 ? at + t : i, q = c == 0 ? i : at + t;
                            img[o + r * S + q] = 1;
                        }
                }
                case 2 -> { // a diagonal or anti-diagonal line with an offset
                    int off = g.nextInt(9) - 4;
                    boolean anti = g.nextInt(2) == 1;
                    for (int r = 0; r < S; r++) {
                        int q = anti ? S - 1 - r + off : r + off;
                        if (q >= 0 && q < S) img[o + r * S + q] = 1;
                        if (q + 1 >= 0 && q + 1 < S) img[o + r * S + q + 1] = 1;
                    }
                }
                default -> { // a gaussian blob
                    double cy = 4 + 8 * g.nextDouble(), cx = 4 + 8 * g.nextDouble(), sd = 1.2 + g.nextDouble();
                    for (int r = 0; r < S; r++)
                        for (int q = 0; q < S; q++)
                            img[o + r * S + q] = (float) (1.5 * Math.exp(-((r - cy) * (r - cy) + (q - cx) * (q - cx)) / (2 * sd * sd)));
                }
            }
        }
        Tensor noise = Tensor.randn(g, n, 1, S, S).mul(0.3);
        return new Shapes16(Tensor.fromArray(img, n, 1, S, S).add(noise), Tensor.fromLongs(lab, n));
    }

    /** Fraction of samples whose argmax logit is the label. */
    static double accuracy(Tensor logits, Tensor y) {
        long[] p = logits.argmax(1, false).toLongArray(), t = y.toLongArray();
        int ok = 0;
        for (int i = 0; i < p.length; i++) if (p[i] == t[i]) ok++;
        return ok / (double) p.length;
    }
}
