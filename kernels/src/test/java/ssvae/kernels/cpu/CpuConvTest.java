package ssvae.kernels.cpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import ssvae.kernels.cpu.conv.ConvReference;
import ssvae.tensor.ConvParams;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Generator;
import ssvae.tensor.Tensor;

import static ssvae.kernels.cpu.TestTensors.assertClose;

/** The GEMM-lowered F32 convolution (forward, grad-input, grad-weight) against the scalar reference on odd shapes. */
class CpuConvTest {
    final Generator g = new Generator(5);
    final int savedThreads = Parallel.threads();

    @AfterEach void restore() { Parallel.setThreads(savedThreads); }

    static ConvParams params(int[] stride, int[] before, int[] after, int[] dil, int groups) {
        return new ConvParams(stride, before, after, dil, groups);
    }

    /** Runs all three kernels fast and reference on the same F32 data and compares. */
    void check(int n, int cin, int cout, int[] in, int[] k, ConvParams p) {
        Tensor x = Tensor.randn(g, DType.F32, Device.CPU, n, cin, in[0], in[1], in[2]);
        Tensor w = Tensor.randn(g, DType.F32, Device.CPU, cout, cin / p.groups(), k[0], k[1], k[2]);
        Tensor b = Tensor.randn(g, DType.F32, Device.CPU, cout);
        int[] os = {n, cout, p.outSize(0, in[0], k[0]), p.outSize(1, in[1], k[1]), p.outSize(2, in[2], k[2])};
        Tensor want = Tensor.empty(DType.F32, Device.CPU, os), got = Tensor.empty(DType.F32, Device.CPU, os);
        ConvReference.forward(p, x, w, b, want);
        CpuConv.forward(p, x, w, b, got);
        assertClose(want, got, 1e-4);

        Tensor gy = Tensor.randn(g, DType.F32, Device.CPU, os);
        Tensor gxWant = Tensor.empty(DType.F32, Device.CPU, x.shape()), gxGot = Tensor.full(9, DType.F32, Device.CPU, x.shape());
        ConvReference.backwardInput(p, gy, w, gxWant);
        CpuConv.backwardInput(p, gy, w, gxGot);
        assertClose(gxWant, gxGot, 1e-4);

        Tensor gwWant = Tensor.empty(DType.F32, Device.CPU, w.shape()), gwGot = Tensor.full(9, DType.F32, Device.CPU, w.shape());
        ConvReference.backwardWeight(p, x, gy, gwWant);
        CpuConv.backwardWeight(p, x, gy, gwGot);
        assertClose(gwWant, gwGot, 2e-4);
    }

    static int[] v(int a, int b, int c) { return new int[] {a, b, c}; }

    @Test void plain3x3x3OddSizes() {
        check(2, 5, 7, v(5, 7, 9), v(3, 3, 3), ConvParams.simple(1, 1));
        check(1, 3, 32, v(3, 9, 17), v(3, 3, 3), ConvParams.simple(1, 1));
    }

    @Test void stride2Dilation2AsymmetricPadding() {
        check(2, 4, 6, v(7, 9, 11), v(3, 3, 3), params(v(2, 2, 2), v(2, 1, 0), v(0, 1, 2), v(1, 1, 1), 1));
        check(2, 4, 6, v(7, 9, 8), v(3, 2, 3), params(v(1, 1, 1), v(2, 0, 1), v(0, 2, 1), v(2, 2, 1), 1));
        check(1, 3, 5, v(6, 11, 13), v(2, 3, 3), params(v(1, 2, 3), v(1, 2, 0), v(0, 0, 2), v(2, 1, 2), 1));
    }

    @Test void groupsAndCausalTimePadding() {
        check(2, 6, 9, v(5, 6, 7), v(3, 3, 3), params(v(1, 1, 1), v(2, 1, 1), v(0, 1, 1), v(1, 1, 1), 3));
        check(1, 8, 4, v(4, 5, 9), v(3, 1, 3), params(v(2, 1, 2), v(2, 0, 1), v(0, 0, 1), v(1, 1, 2), 2));
    }

    @Test void pointwiseAndPaddingLargerThanKernel() {
        check(2, 7, 5, v(3, 5, 7), v(1, 1, 1), ConvParams.simple(1, 0));
        check(1, 3, 4, v(3, 4, 5), v(1, 1, 1), params(v(2, 2, 2), v(0, 1, 0), v(1, 0, 1), v(1, 1, 1), 1));
        // padding beyond the kernel extent: the transposed grad-input must crop its padded gradient
        check(1, 2, 3, v(3, 4, 5), v(1, 2, 1), params(v(1, 1, 1), v(1, 2, 0), v(2, 0, 1), v(1, 1, 1), 1));
    }

    @Test void vectorWideRowsUseTheSegmentKernel() {
        // OW (and W for grad-input) multiples of 16: the in-place segment kernel; P = 48 is not a multiple of 64
        check(2, 3, 7, v(1, 3, 16), v(3, 3, 3), ConvParams.simple(1, 1));
        check(1, 6, 8, v(3, 5, 32), v(3, 3, 3), params(v(2, 2, 1), v(2, 1, 1), v(0, 1, 1), v(1, 2, 1), 2));
        check(2, 4, 11, v(4, 3, 34), v(3, 1, 3), params(v(1, 1, 1), v(2, 0, 0), v(0, 0, 0), v(1, 1, 1), 1));
        check(1, 5, 6, v(2, 2, 20), v(1, 1, 5), params(v(1, 1, 1), v(0, 0, 4), v(0, 0, 0), v(1, 1, 1), 1));
        check(1, 4, 5, v(2, 3, 16), v(2, 3, 3), params(v(1, 1, 1), v(1, 1, 2), v(0, 1, 2), v(1, 1, 2), 1));
    }

    @Test void oneToThreeChannelsUseTheNarrowKernel() {
        // 3 and 2 output channels (forward) / input channels (grad-input); P = 3 * 48 is not a multiple of 128
        check(1, 6, 3, v(3, 3, 48), v(3, 3, 3), ConvParams.simple(1, 1));
        check(2, 3, 5, v(2, 4, 32), v(3, 3, 3), params(v(1, 1, 1), v(2, 1, 1), v(0, 1, 1), v(1, 1, 1), 1));
        check(1, 2, 2, v(2, 2, 16), v(1, 3, 3), params(v(1, 1, 1), v(0, 2, 2), v(0, 2, 2), v(1, 2, 2), 1));
        check(1, 4, 2, v(2, 3, 32), v(3, 1, 3), params(v(1, 1, 1), v(1, 0, 1), v(1, 0, 1), v(1, 1, 1), 2));
    }

    @Test void wideChannelsAndDeepK() {
        // cout 66 spans two micro-kernel widths; K = 15 * 27 = 405 spans two KC blocks
        check(1, 15, 66, v(2, 6, 16), v(3, 3, 3), ConvParams.simple(1, 1));
        // several position chunks split over two threads
        Parallel.setThreads(2);
        check(2, 8, 33, v(3, 9, 9), v(3, 3, 3), params(v(1, 2, 1), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 1));
        check(1, 4, 6, v(4, 8, 32), v(3, 3, 3), ConvParams.simple(1, 1));
    }

    @Test void manyChannelsTakeTheBlockedWeightGradientGemm() {
        // cout x taps past the dot-product limit: the blocked GEMM weight gradient (several tap blocks, position
        // pieces, a batch of two accumulated before the transposed write-out, groups)
        check(2, 16, 80, v(3, 6, 16), v(3, 3, 3), ConvParams.simple(1, 1));
        check(1, 32, 160, v(2, 5, 7), v(3, 3, 3), params(v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 2));
        Parallel.setThreads(2);
        check(2, 16, 80, v(3, 6, 16), v(3, 3, 3), params(v(1, 2, 1), v(2, 1, 1), v(0, 1, 1), v(1, 1, 1), 1));
    }

    @Test void fewInputChannelsScatterTheInputGradient() {
        // cin <= 4, unit strides: grad-input as col = W^T dOut plus col2im; rows of 64 (whole pieces per row, taps
        // summed along the row) and rows of 16 and 32 (pieces across rows)
        check(1, 3, 8, v(2, 3, 64), v(3, 3, 3), ConvParams.simple(1, 1));
        check(2, 2, 6, v(2, 2, 128), v(3, 3, 5), params(v(1, 1, 1), v(2, 1, 4), v(0, 1, 4), v(1, 1, 2), 1));
        check(1, 4, 7, v(3, 4, 32), v(3, 3, 3), params(v(1, 1, 1), v(2, 1, 1), v(0, 1, 1), v(1, 1, 1), 1));
        Parallel.setThreads(2);
        check(2, 3, 9, v(3, 5, 64), v(3, 3, 3), ConvParams.simple(1, 1));
        check(1, 1, 5, v(2, 3, 16), v(1, 3, 3), params(v(1, 1, 1), v(0, 1, 1), v(0, 1, 1), v(1, 1, 1), 1));
        // 1-3 input channels walk rings of padded output-gradient planes: padding beyond the kernel (a cropped ring),
        // depth dilation, several threads over the planes
        check(1, 2, 4, v(3, 4, 16), v(1, 3, 3), params(v(1, 1, 1), v(1, 2, 1), v(0, 0, 2), v(1, 1, 1), 1));
        check(2, 3, 5, v(5, 3, 32), v(3, 3, 3), params(v(1, 1, 1), v(4, 1, 1), v(0, 1, 1), v(2, 1, 1), 1));
    }

    @Test void threeInputChannelsTakeTheRowPairInputGradient() {
        // 3 input channels, even H, W a multiple of 64: two input-gradient rows per tile; kernel heights 1 to 3,
        // W dilation, asymmetric padding, several passes over the output-gradient channels, two threads
        check(1, 3, 4, v(3, 4, 64), v(3, 3, 3), ConvParams.simple(1, 1));
        check(2, 3, 5, v(2, 6, 128), v(2, 2, 3), params(v(1, 1, 1), v(1, 0, 2), v(0, 1, 2), v(1, 1, 2), 1));
        check(1, 3, 3, v(2, 2, 64), v(1, 1, 3), params(v(1, 1, 1), v(0, 0, 1), v(0, 0, 1), v(1, 1, 1), 1));
        Parallel.setThreads(2);
        check(1, 3, 7, v(4, 8, 64), v(3, 3, 3), params(v(1, 1, 1), v(2, 1, 1), v(0, 1, 1), v(1, 1, 1), 1));
    }

    @Test void reusedScratchBuffersAreFullyOverwritten() {
        // a large call leaves NaN in every reusable buffer (padded source, packed weights, dOut^T, accumulator);
        // smaller calls after it must write every element they read, borders and padding rows included
        Tensor x = Tensor.full(Float.NaN, DType.F32, Device.CPU, 1, 9, 4, 10, 32), w = Tensor.full(Float.NaN, DType.F32, Device.CPU, 70, 9, 3, 3, 3);
        ConvParams p = ConvParams.simple(1, 1);
        Tensor y = Tensor.full(Float.NaN, DType.F32, Device.CPU, 1, 70, 4, 10, 32);
        CpuConv.forward(p, x, w, null, Tensor.empty(DType.F32, Device.CPU, 1, 70, 4, 10, 32));
        CpuConv.backwardInput(p, y, w, Tensor.empty(DType.F32, Device.CPU, x.shape()));
        CpuConv.backwardWeight(p, x, y, Tensor.empty(DType.F32, Device.CPU, w.shape()));
        check(1, 7, 66, v(2, 5, 16), v(3, 3, 3), ConvParams.simple(1, 1));
        check(1, 6, 9, v(3, 4, 16), v(3, 3, 3), params(v(1, 1, 1), v(2, 1, 1), v(0, 1, 1), v(1, 1, 1), 1));
        check(1, 3, 8, v(2, 3, 64), v(3, 3, 3), ConvParams.simple(1, 1));
    }

    @Test void fewTapsAndWideOutputsTakeTheBroadcastWeightGradient() {
        // K <= 128 taps, cout a multiple of 32, rows a multiple of 64: dOut transposed in 16 x 16 blocks, 12 x 32
        // tiles; a partial last chunk (P = 1920), a batch, groups, strides in D and H, dilation, two threads
        check(2, 3, 32, v(3, 5, 128), v(3, 3, 3), ConvParams.simple(1, 1));
        check(1, 4, 64, v(2, 3, 64), v(3, 3, 3), params(v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 2));
        check(1, 2, 32, v(5, 7, 64), v(3, 3, 3), params(v(2, 2, 1), v(2, 1, 2), v(0, 1, 2), v(1, 1, 2), 1));
        Parallel.setThreads(2);
        check(1, 3, 64, v(3, 5, 128), v(3, 3, 3), ConvParams.simple(1, 1));
    }

    @Test void randomShapesAgreeWithTheReference() {
        // a seeded sweep over the shape classes the fast paths pick from: few or many channels (1-6, 16-64), output
        // channels that are and are not multiples of 16 and 32, rows of 16 to 128, kernels 1 to 3 with padding,
        // stride and dilation mixes, batches, groups, one and two threads
        java.util.Random r = new java.util.Random(20261121);
        int[] cins = {1, 2, 3, 4, 5, 6, 16}, couts = {3, 8, 16, 32, 33, 64}, ws = {7, 16, 32, 48, 64, 128};
        for (int i = 0; i < 40; i++) {
            Parallel.setThreads(1 + r.nextInt(2));
            int groups = r.nextInt(4) == 0 ? 2 : 1;
            int cin = cins[r.nextInt(cins.length)] * groups, cout = couts[r.nextInt(couts.length)] * groups;
            int[] k = v(1 + r.nextInt(3), 1 + r.nextInt(3), 1 + r.nextInt(3));
            int[] st = r.nextInt(3) == 0 ? v(1 + r.nextInt(2), 1 + r.nextInt(2), 1) : v(1, 1, 1);
            int[] dil = r.nextInt(4) == 0 ? v(1 + r.nextInt(2), 1, 1 + r.nextInt(2)) : v(1, 1, 1);
            int[] pb = new int[3], pa = new int[3];
            for (int a = 0; a < 3; a++) { int half = (k[a] - 1) * dil[a]; pb[a] = r.nextInt(half + 2); pa[a] = half - Math.min(half, pb[a]) + r.nextInt(2); }
            int[] in = v(1 + r.nextInt(3), 2 + r.nextInt(3), ws[r.nextInt(ws.length)]);
            // W chosen so that, with the padding, the output row width stays a multiple of 16 most of the time
            in[2] = Math.max(1, in[2] - pb[2] - pa[2] + (k[2] - 1) * dil[2]);
            ConvParams p = params(st, pb, pa, dil, groups);
            if (p.outSize(0, in[0], k[0]) < 1 || p.outSize(1, in[1], k[1]) < 1 || p.outSize(2, in[2], k[2]) < 1) continue;
            check(1 + r.nextInt(2), cin, cout, in, k, p);
        }
    }
}
