package ssvae.kernels.cpu.conv;

import ssvae.kernels.cpu.gemm.SegmentMicro3;
import ssvae.tensor.ConvParams;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.Tensor;

import static ssvae.kernels.cpu.conv.ConvGeom.roundUp;
import static ssvae.kernels.cpu.conv.ConvLowered.NR;

/**
 * F32 convolution lowered onto register-blocked GEMM tiles without an im2col buffer (contiguous NCDHW tensors).
 * forward: out = W * col(x) through {@link ConvLowered}; the gradients by shape in {@link ConvGradInput} and
 * {@link ConvGradWeight}. Large temporaries live in per-thread {@link Scratch} buffers.
 */
public final class ConvFast {
    private ConvFast() {}

    static float[] f32(Tensor t) { return ((CpuStorage) t.storage()).f32(); }

    public static void forward(ConvParams prm, Tensor x, Tensor w, Tensor bias, Tensor out) {
        ConvGeom g = new ConvGeom(prm, x.shape(), w.shape(), out.shape());
        float[] xa = f32(x), wa = f32(w), oa = f32(out), ba = bias == null ? null : f32(bias);
        int np = roundUp(g.mg, NR);
        boolean seg = ConvLowered.segmentable(g.ow, g.s[2]);
        float[][] wt = new float[g.groups][];
        for (int gr = 0; gr < g.groups; gr++)
            wt[gr] = seg ? ConvLowered.packRows(wa, w.offset() + gr * g.mg * g.k, g.mg, g.k, weights(g.groups, ConvLowered.packedSize(g.mg, g.k)))
                    : ConvLowered.transposeWeights(wa, w.offset() + gr * g.mg * g.k, g.mg, g.k, np);
        int dp = g.d + g.pb[0] + g.pa[0], hp = g.h + g.pb[1] + g.pa[1], wp = g.w + g.pb[2] + g.pa[2];
        int[] tap = ConvGeom.taps(g.cg, g.kd, g.kh, g.kw, g.dl, dp, hp, wp);
        int[] pos = ConvGeom.positions(g.od, g.oh, g.ow, g.s, hp, wp);
        for (int n = 0; n < g.n; n++) {
            float[] xp = padSource(xa, x.offset() + n * g.cin * g.inVol(), g.cin, g.d, g.h, g.w, g.pb, g.pa);
            for (int gr = 0; gr < g.groups; gr++) {
                int ob = out.offset() + (n * g.cout + gr * g.mg) * g.p, bo = bias == null ? 0 : bias.offset() + gr * g.mg;
                if (seg) ConvLowered.forwardSeg(xp, gr * g.cg * dp * hp * wp, tap, pos, g.k, wt[gr], g.mg, oa, ob, g.p, ba, bo);
                else ConvLowered.forward(xp, gr * g.cg * dp * hp * wp, tap, pos, g.k, wt[gr], np, g.mg, oa, ob, g.p, ba, bo);
            }
        }
    }

    /** The zero-padded source volume in the calling thread's reusable buffer. */
    static float[] padSource(float[] a, int off, int c, int d, int h, int w, int[] before, int[] after) {
        return ConvGeom.padInto(Scratch.floats(Scratch.Slot.SOURCE, ConvGeom.paddedSize(c, d, h, w, before, after)), 0, a, off, c, d, h, w, before, after);
    }

    /** A buffer for packed weights: the reusable one when a single group needs it, else a fresh one per group. */
    static float[] weights(int groups, int size) {
        return groups == 1 ? Scratch.floats(Scratch.Slot.WEIGHTS, size) : new float[size];
    }

    public static void backwardInput(ConvParams prm, Tensor gradOut, Tensor w, Tensor gradIn) {
        int[] st = prm.stride();
        boolean unit = st[0] == 1 && st[1] == 1 && st[2] == 1, single = prm.groups() == 1;
        if (unit && single && w.shape()[1] <= SegmentMicro3.ROWS && ConvLowered.segmentable(gradIn.shape()[4], 1)) ConvGradInput.slabInput(prm, gradOut, w, gradIn);
        else if (unit && single && w.shape()[1] <= ConvGradInput.SCATTER_MAX_CIN
                && ConvLowered.segmentable(gradOut.shape()[4], 1)) ConvGradInput.scatterInput(prm, gradOut, w, gradIn);
        else if (st[0] == 1 && st[1] == 1 && st[2] == 1) ConvGradInput.transposedForward(prm, gradOut, w, gradIn);
        else ConvGradInput.col2im(prm, gradOut, w, gradIn);
    }

    /** dW[o, k] = sum_{n,p} dOut[n, o, p] * col(x_n)[k, p]: see {@link ConvGradWeight}. */
    public static void backwardWeight(ConvParams prm, Tensor x, Tensor gradOut, Tensor gradW) {
        ConvGradWeight.compute(prm, x, gradOut, gradW);
    }
}
