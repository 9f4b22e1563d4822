package ssvae.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ssvae.kernels.cuda.CudaTwin.CPU;
import static ssvae.kernels.cuda.CudaTwin.accumulated;
import static ssvae.kernels.cuda.CudaTwin.assertClose;
import static ssvae.kernels.cuda.CudaTwin.cpuEmpty;
import static ssvae.kernels.cuda.CudaTwin.cpuRandom;
import static ssvae.kernels.cuda.CudaTwin.cuda;
import static ssvae.kernels.cuda.CudaTwin.elementwise;
import static ssvae.kernels.cuda.CudaTwin.gpuEmpty;
import static ssvae.kernels.cuda.CudaTwin.sameView;
import static ssvae.kernels.cuda.CudaTwin.toCuda;

import org.junit.jupiter.api.Test;
import ssvae.tensor.BinaryOp;
import ssvae.tensor.ConvParams;
import ssvae.tensor.DType;
import ssvae.tensor.InterpMode;
import ssvae.tensor.MemoryScope;
import ssvae.tensor.NormMode;
import ssvae.tensor.Philox;
import ssvae.tensor.PoolParams;
import ssvae.tensor.RandomKind;
import ssvae.tensor.ReduceOp;
import ssvae.tensor.Tensor;
import ssvae.tensor.UnaryOp;

/**
 * Every CUDA op against its CPU twin on the same random inputs: odd sizes, transposed / sliced / expanded views,
 * every dtype the op takes. Tolerances (CudaTwin): elementwise F64 1e-12, F32 atol 1e-6 rtol 2e-6, BF16 one ulp
 * (rtol 2^-7), F16 one ulp (2^-10), integers exact; accumulations (GEMM, conv, reductions, norms) F32 atol
 * 1e-5*sqrt(k) rtol 1e-4, BF16 2e-2, F16 4e-3, F64 1e-10. Skipped with the reason where no CUDA device is usable.
 */
class CudaOpsTest {
    private static final DType[] FLOATS = {DType.F32, DType.F64, DType.BF16, DType.F16};

    /** A transposed [cols, rows] view of a random contiguous [rows, cols] tensor, on both backends. */
    private static Tensor[] transposed(DType dt, long seed, int rows, int cols) {
        Tensor base = cpuRandom(dt, seed, rows, cols);
        Tensor v = new Tensor(base.storage(), new int[] {cols, rows}, new int[] {1, cols}, 0);
        return new Tensor[] {v, sameView(v, toCuda(base))};
    }

    private static Tensor[] contiguous(DType dt, long seed, int... shape) {
        Tensor c = cpuRandom(dt, seed, shape);
        return new Tensor[] {c, toCuda(c)};
    }

    private static Tensor[] outputs(DType dt, int... shape) { return new Tensor[] {cpuEmpty(dt, shape), gpuEmpty(dt, shape)}; }

    @Test void copyBetweenEveryDtypePairFromStridedSource() {
        CudaBackend g = cuda();
        for (DType s : DType.values()) {
            Tensor[] src = transposed(s, 1, 5, 7);
            for (DType d : DType.values()) {
                Tensor[] out = outputs(d, 7, 5);
                CPU.copy(src[0], out[0]);
                g.copy(src[1], out[1]);
                assertClose(out[0], out[1], elementwise(d), "copy " + s + " -> " + d);
            }
        }
    }

    @Test void copyIntoStridedDestinationAndFill() {
        CudaBackend g = cuda();
        for (DType d : DType.values()) {
            Tensor base = cpuRandom(d, 2, 6, 9);
            Tensor gb = toCuda(base);
            Tensor v = new Tensor(base.storage(), new int[] {3, 4}, new int[] {18, 2}, 1);  // every other row/col, offset 1
            Tensor[] src = contiguous(d, 3, 3, 4);
            CPU.copy(src[0], v);
            g.copy(src[1], sameView(v, gb));
            assertClose(base, gb, elementwise(d), "strided copy " + d);
            CPU.fill(v, 3.75);
            g.fill(sameView(v, gb), 3.75);
            assertClose(base, gb, elementwise(d), "strided fill " + d);
        }
    }

    @Test void unaryEveryOpOnBroadcastInput() {
        CudaBackend g = cuda();
        for (DType d : FLOATS) {
            Tensor row = cpuRandom(d, 4, 1, 9);
            Tensor xc = new Tensor(row.storage(), new int[] {4, 9}, new int[] {0, 1}, 0);
            Tensor xg = sameView(xc, toCuda(row));
            for (UnaryOp op : UnaryOp.values()) {
                DType od = op == UnaryOp.ISNAN || op == UnaryOp.ISFINITE || op == UnaryOp.NOT ? DType.BOOL : d;
                Tensor[] out = outputs(od, 4, 9);
                double a = op == UnaryOp.CLAMP || op == UnaryOp.CLAMP_GRAD ? -0.5 : 0.3, b = op == UnaryOp.CLAMP || op == UnaryOp.CLAMP_GRAD ? 1.25 : 1.7;
                CPU.unary(op, xc, out[0], a, b);
                g.unary(op, xg, out[1], a, b);
                assertClose(out[0], out[1], elementwise(od), "unary " + op + " " + d);
            }
        }
    }

    @Test void binaryEveryOpWithBroadcastEveryDtype() {
        CudaBackend g = cuda();
        for (DType d : new DType[] {DType.F32, DType.F64, DType.BF16, DType.F16, DType.I64, DType.I32, DType.U8}) {
            Tensor a0 = cpuRandom(d, 5, 3, 1, 5), b0 = cpuRandom(d, 6, 4, 5);
            Tensor ac = new Tensor(a0.storage(), new int[] {3, 4, 5}, new int[] {5, 0, 1}, 0);
            Tensor bc = new Tensor(b0.storage(), new int[] {3, 4, 5}, new int[] {0, 5, 1}, 0);
            Tensor ag = sameView(ac, toCuda(a0)), bg = sameView(bc, toCuda(b0));
            for (BinaryOp op : BinaryOp.values()) {
                DType od = op.isComparison() ? DType.BOOL : d;
                Tensor[] out = outputs(od, 3, 4, 5);
                CPU.binary(op, ac, bc, out[0]);
                g.binary(op, ag, bg, out[1]);
                assertClose(out[0], out[1], elementwise(od), "binary " + op + " " + d);
            }
        }
    }

    @Test void whereWithMixedViews() {
        CudaBackend g = cuda();
        for (DType d : DType.values()) {
            Tensor[] c = transposed(DType.BOOL, 7, 6, 5), a = contiguous(d, 8, 5, 6), b = transposed(d, 9, 6, 5);
            Tensor[] out = outputs(d, 5, 6);
            CPU.where(c[0], a[0], b[0], out[0]);
            g.where(c[1], a[1], b[1], out[1]);
            assertClose(out[0], out[1], elementwise(d), "where " + d);
        }
    }

    @Test void reductionsOverDimSetsOnStridedInput() {
        CudaBackend g = cuda();
        int[][] outShapes = {{1, 7, 5}, {6, 1, 5}, {1, 7, 1}, {1, 1, 1}};
        for (DType d : new DType[] {DType.F32, DType.F64, DType.BF16, DType.I64, DType.I32}) {
            Tensor base = cpuRandom(d, 10, 6, 5, 7);
            Tensor xc = new Tensor(base.storage(), new int[] {6, 7, 5}, new int[] {35, 1, 7}, 0);
            Tensor xg = sameView(xc, toCuda(base));
            for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.PROD, ReduceOp.MAX, ReduceOp.MIN}) {
                for (int[] os : outShapes) {
                    if (op == ReduceOp.PROD && os[1] == 1 && os[0] == 1) continue;  // long products under/overflow
                    Tensor[] out = outputs(d, os);
                    CPU.reduce(op, xc, out[0]);
                    g.reduce(op, xg, out[1]);
                    assertClose(out[0], out[1], accumulated(d, 210), "reduce " + op + " " + d + " -> " + java.util.Arrays.toString(os));
                }
            }
            for (ReduceOp op : new ReduceOp[] {ReduceOp.ARGMAX, ReduceOp.ARGMIN}) {
                for (int dim = 0; dim < 3; dim++) {
                    int[] os = {6, 7, 5};
                    os[dim] = 1;
                    Tensor[] out = outputs(DType.I64, os);
                    CPU.argReduce(op, xc, dim, out[0]);
                    g.argReduce(op, xg, dim, out[1]);
                    assertClose(out[0], out[1], elementwise(DType.I64), op + " dim " + dim + " " + d);
                }
            }
        }
    }

    private static void withKernels(String choice, Runnable r) {
        String old = System.getProperty(GpuKernels.PROPERTY);
        System.setProperty(GpuKernels.PROPERTY, choice);
        try {
            r.run();
        } finally {
            if (old == null) System.clearProperty(GpuKernels.PROPERTY); else System.setProperty(GpuKernels.PROPERTY, old);
        }
    }

    @Test void matmulOwnAndVendorOnTransposedAndBroadcastOperands() {
        CudaBackend g = cuda();
        int B = 3, M = 33, K = 17, N = 45;
        for (String choice : new String[] {"own", "auto"}) {
            for (DType d : FLOATS) {
                withKernels(choice, () -> {
                    Tensor aBase = cpuRandom(d, 11, B, K, M);   // a = aBase^T per batch: [B, M, K] with strides (K*M, 1, M)
                    Tensor ac = new Tensor(aBase.storage(), new int[] {B, M, K}, new int[] {K * M, 1, M}, 0);
                    Tensor ag = sameView(ac, toCuda(aBase));
                    Tensor bBase = cpuRandom(d, 12, 1, K, N);   // b broadcast over the batch (stride 0)
                    Tensor bc = new Tensor(bBase.storage(), new int[] {B, K, N}, new int[] {0, N, 1}, 0);
                    Tensor bg = sameView(bc, toCuda(bBase));
                    Tensor[] out = outputs(d, B, M, N);
                    CPU.matmul(ac, bc, out[0]);
                    g.matmul(ag, bg, out[1]);
                    assertClose(out[0], out[1], accumulated(d, K), "matmul " + choice + " " + d);
                });
            }
        }
    }

    @Test void convForwardAndBackwardGroupsStridesDilationAsymmetricPadding() {
        CudaBackend g = cuda();
        ConvParams p = new ConvParams(new int[] {1, 2, 1}, new int[] {2, 1, 0}, new int[] {0, 1, 1}, new int[] {1, 1, 2}, 2);
        int[] xs = {2, 4, 5, 7, 6}, ws = {6, 2, 3, 3, 2};
        int[] os = {2, 6, p.outSize(0, 5, 3), p.outSize(1, 7, 3), p.outSize(2, 6, 2)};
        for (DType d : new DType[] {DType.F32, DType.F64, DType.BF16, DType.F16}) {
            Tensor[] x = contiguous(d, 13, xs), w = contiguous(d, 14, ws), bias = contiguous(d, 15, 6), go = contiguous(d, 16, os);
            Tensor[] out = outputs(d, os), gi = outputs(d, xs), gw = outputs(d, ws);
            CPU.convForward(p, x[0], w[0], bias[0], out[0]);
            g.convForward(p, x[1], w[1], bias[1], out[1]);
            assertClose(out[0], out[1], accumulated(d, 2 * 18), "conv forward " + d);
            CPU.convBackwardInput(p, go[0], w[0], gi[0]);
            g.convBackwardInput(p, go[1], w[1], gi[1]);
            assertClose(gi[0], gi[1], accumulated(d, 3 * 18), "conv grad-input " + d);
            CPU.convBackwardWeight(p, x[0], go[0], gw[0]);
            g.convBackwardWeight(p, x[1], go[1], gw[1]);
            assertClose(gw[0], gw[1], accumulated(d, os[0] * os[2] * os[3] * os[4]), "conv grad-weight " + d);
        }
    }

    @Test void convOwnAndVendorWithSymmetricPadding() {
        CudaBackend g = cuda();
        ConvParams p = ConvParams.of(new int[] {1, 1, 2}, new int[] {1, 1, 1}, new int[] {1, 1, 1}, 1);
        int[] xs = {1, 3, 4, 6, 9}, ws = {5, 3, 3, 3, 3};
        int[] os = {1, 5, p.outSize(0, 4, 3), p.outSize(1, 6, 3), p.outSize(2, 9, 3)};
        for (String choice : new String[] {"own", "auto"}) {
            for (DType d : FLOATS) {
                withKernels(choice, () -> {
                    Tensor[] x = contiguous(d, 40, xs), w = contiguous(d, 41, ws), bias = contiguous(d, 42, 5), go = contiguous(d, 43, os);
                    Tensor[] out = outputs(d, os), gi = outputs(d, xs), gw = outputs(d, ws);
                    CPU.convForward(p, x[0], w[0], bias[0], out[0]);
                    g.convForward(p, x[1], w[1], bias[1], out[1]);
                    assertClose(out[0], out[1], accumulated(d, 81), "conv forward " + choice + " " + d);
                    CPU.convBackwardInput(p, go[0], w[0], gi[0]);
                    g.convBackwardInput(p, go[1], w[1], gi[1]);
                    assertClose(gi[0], gi[1], accumulated(d, 135), "conv grad-input " + choice + " " + d);
                    CPU.convBackwardWeight(p, x[0], go[0], gw[0]);
                    g.convBackwardWeight(p, x[1], go[1], gw[1]);
                    assertClose(gw[0], gw[1], accumulated(d, os[2] * os[3] * os[4]), "conv grad-weight " + choice + " " + d);
                });
            }
        }
    }

    @Test void softmaxRowsAndColumnsForwardAndBackward() {
        CudaBackend g = cuda();
        for (DType d : FLOATS) {
            for (int dim : new int[] {2, 1}) {
                for (boolean log : new boolean[] {false, true}) {
                    Tensor[] x = contiguous(d, 17, 3, 37, 5), gy = contiguous(d, 18, 3, 37, 5);
                    Tensor[] y = outputs(d, 3, 37, 5), gx = outputs(d, 3, 37, 5);
                    CPU.softmax(x[0], dim, log, y[0]);
                    g.softmax(x[1], dim, log, y[1]);
                    assertClose(y[0], y[1], accumulated(d, 37), "softmax dim " + dim + " log " + log + " " + d);
                    CPU.softmaxBackward(y[0], gy[0], dim, log, gx[0]);
                    g.softmaxBackward(toCuda(y[0]), gy[1], dim, log, gx[1]);  // same y on both sides
                    assertClose(gx[0], gx[1], accumulated(d, 37), "softmax backward dim " + dim + " log " + log + " " + d);
                }
            }
        }
    }

    @Test void normalizeEveryModeRowsAndColumnsForwardAndBackward() {
        CudaBackend g = cuda();
        for (DType d : FLOATS) {
            DType sd = d == DType.F64 ? DType.F64 : DType.F32;
            for (NormMode mode : NormMode.values()) {
                for (int[] v : new int[][] {{6, 41, 1}, {2, 9, 35}}) {
                    int outer = v[0], r = v[1], inner = v[2];
                    Tensor[] x = contiguous(d, 19, outer, r, inner), gy = contiguous(d, 20, outer, r, inner);
                    Tensor[] y = outputs(d, outer, r, inner), mean = outputs(sd, outer, inner), rstd = outputs(sd, outer, inner);
                    CPU.normalize(mode, x[0], outer, r, inner, 1e-5, y[0], mean[0], rstd[0]);
                    g.normalize(mode, x[1], outer, r, inner, 1e-5, y[1], mean[1], rstd[1]);
                    String w = mode + " " + d + " " + java.util.Arrays.toString(v);
                    assertClose(y[0], y[1], accumulated(d, r), "normalize " + w);
                    assertClose(rstd[0], rstd[1], accumulated(sd, r), "normalize rstd " + w);
                    Tensor[] gx = outputs(d, outer, r, inner);
                    CPU.normalizeBackward(mode, x[0], outer, r, inner, 1e-5, mean[0], rstd[0], gy[0], gx[0]);
                    g.normalizeBackward(mode, x[1], outer, r, inner, 1e-5, mean[1], rstd[1], gy[1], gx[1]);
                    assertClose(gx[0], gx[1], accumulated(d, r), "normalize backward " + w);
                }
            }
        }
    }

    @Test void interpolateEveryModeUpAndDownForwardAndBackward() {
        CudaBackend g = cuda();
        int[] in = {2, 3, 3, 5, 7};
        int[][] outs = {{2, 3, 5, 10, 14}, {2, 3, 2, 3, 4}};
        for (DType d : new DType[] {DType.F32, DType.F64, DType.BF16}) {
            for (InterpMode mode : InterpMode.values()) {
                for (boolean align : mode == InterpMode.LINEAR ? new boolean[] {false, true} : new boolean[] {false}) {
                    for (int[] os : outs) {
                        double[] scales = {(double) in[2] / os[2], (double) in[3] / os[3], (double) in[4] / os[4]};
                        Tensor[] x = contiguous(d, 21, in), go = contiguous(d, 22, os);
                        Tensor[] y = outputs(d, os), gi = outputs(d, in);
                        String w = mode + " align " + align + " " + d + " -> " + java.util.Arrays.toString(os);
                        CPU.interpolate(mode, x[0], y[0], align, scales);
                        g.interpolate(mode, x[1], y[1], align, scales);
                        assertClose(y[0], y[1], accumulated(d, 8), "interpolate " + w);
                        CPU.interpolateBackward(mode, go[0], gi[0], align, scales);
                        g.interpolateBackward(mode, go[1], gi[1], align, scales);
                        assertClose(gi[0], gi[1], accumulated(d, 64), "interpolate backward " + w);
                    }
                }
            }
        }
    }

    @Test void maxPoolWithPaddingAndCeilModeForwardAndBackward() {
        CudaBackend g = cuda();
        PoolParams p = new PoolParams(new int[] {1, 3, 3}, new int[] {1, 2, 2}, new int[] {0, 1, 1}, true);
        int[] in = {2, 3, 4, 9, 8};
        int[] os = {2, 3, p.outSize(0, 4), p.outSize(1, 9), p.outSize(2, 8)};
        for (DType d : new DType[] {DType.F32, DType.F64, DType.BF16}) {
            Tensor[] x = contiguous(d, 23, in), go = contiguous(d, 24, os);
            Tensor[] y = outputs(d, os), idx = outputs(DType.I64, os), gi = outputs(d, in);
            CPU.maxPool(p, x[0], y[0], idx[0]);
            g.maxPool(p, x[1], y[1], idx[1]);
            assertClose(y[0], y[1], elementwise(d), "max pool " + d);
            assertClose(idx[0], idx[1], elementwise(DType.I64), "max pool indices " + d);
            CPU.maxPoolBackward(p, go[0], idx[0], gi[0]);
            g.maxPoolBackward(p, go[1], idx[1], gi[1]);
            assertClose(gi[0], gi[1], accumulated(d, 4), "max pool backward " + d);
        }
    }

    @Test void indexSelectAddGatherScatterAddWithNegativeAndRepeatedIndices() {
        CudaBackend g = cuda();
        for (DType d : new DType[] {DType.F32, DType.F64, DType.I64, DType.BF16}) {
            for (DType it : new DType[] {DType.I64, DType.I32}) {
                Tensor ic = Tensor.empty(it, ssvae.tensor.Device.CPU, 5);
                long[] iv = {3, -1, 0, 3, 2};
                for (int i = 0; i < 5; i++) ((ssvae.tensor.CpuStorage) ic.storage()).setLong(i, iv[i]);
                Tensor ig = toCuda(ic);
                Tensor[] x = transposed(d, 25, 6, 4);  // [4, 6] strided
                Tensor[] sel = outputs(d, 4, 5);
                CPU.indexSelect(x[0], 1, ic, sel[0]);
                g.indexSelect(x[1], 1, ig, sel[1]);
                assertClose(sel[0], sel[1], elementwise(d), "index_select " + d + " " + it);
                Tensor[] dst = contiguous(d, 26, 4, 6), src = contiguous(d, 27, 4, 5);
                CPU.indexAdd(dst[0], 1, ic, src[0]);
                g.indexAdd(dst[1], 1, ig, src[1]);
                assertClose(dst[0], dst[1], accumulated(d, 2), "index_add " + d + " " + it);

                Tensor gi = Tensor.empty(it, ssvae.tensor.Device.CPU, 3, 6);
                for (int i = 0; i < 18; i++) ((ssvae.tensor.CpuStorage) gi.storage()).setLong(i, (i * 7) % 4 - (i % 5 == 0 ? 4 : 0));
                Tensor gig = toCuda(gi);
                Tensor[] gx = contiguous(d, 28, 4, 6), gout = outputs(d, 3, 6);
                CPU.gather(gx[0], 0, gi, gout[0]);
                g.gather(gx[1], 0, gig, gout[1]);
                assertClose(gout[0], gout[1], elementwise(d), "gather " + d + " " + it);
                Tensor[] sdst = contiguous(d, 29, 4, 6), ssrc = contiguous(d, 30, 3, 6);
                CPU.scatterAdd(sdst[0], 0, gi, ssrc[0]);
                g.scatterAdd(sdst[1], 0, gig, ssrc[1]);
                assertClose(sdst[0], sdst[1], accumulated(d, 3), "scatter_add " + d + " " + it);
            }
        }
        Tensor bad = toCuda(Tensor.fromLongs(new long[] {0, 9}, 2));
        Tensor[] x = contiguous(DType.F32, 31, 3, 4);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> g.indexSelect(x[1], 1, bad, gpuEmpty(DType.F32, 3, 2)));
        assertTrue(e.getMessage().contains("size 4"), e.getMessage());
    }

    @Test void philoxBlocksAreBitIdenticalToTheCpu() {
        CudaBackend g = cuda();
        long seed = 0x1234_5678_9abcL, offset = (1L << 32) - 3;  // crosses the 32-bit counter boundary
        int[] gpu = g.philoxBlocks(seed, offset, 9);
        int[] cpu = new int[36];
        for (int i = 0; i < 9; i++) System.arraycopy(Philox.block(seed, offset + i), 0, cpu, 4 * i, 4);
        assertArrayEquals(cpu, gpu);
    }

    @Test void randomFillsMatchTheCpu() {
        CudaBackend g = cuda();
        for (DType d : new DType[] {DType.F32, DType.F64, DType.BF16}) {
            for (RandomKind k : RandomKind.values()) {
                Tensor[] out = outputs(d, 1001);
                double a = k == RandomKind.BERNOULLI ? 0.3 : -1.5, b = 2.5;
                CPU.random(k, out[0], a, b, 42, 7);
                g.random(k, out[1], a, b, 42, 7);
                CudaTwin.Tol tol = k == RandomKind.NORMAL ? new CudaTwin.Tol(1e-6, d == DType.F64 ? 1e-13 : 2e-7) : new CudaTwin.Tol(0, 0);
                if (d == DType.BF16 && k == RandomKind.NORMAL) tol = elementwise(d);
                assertClose(out[0], out[1], tol, "random " + k + " " + d);
            }
        }
    }

    @Test void fusedAdamEmaKlAndL1MatchHostFormulas() {
        CudaBackend g = cuda();
        int n = 257;
        Tensor[] p = contiguous(DType.F32, 32, n), gr = contiguous(DType.F32, 33, n);
        Tensor m = toCuda(Tensor.zeros(DType.F32, ssvae.tensor.Device.CPU, n)), v = toCuda(Tensor.zeros(DType.F32, ssvae.tensor.Device.CPU, n));
        float[] pc = p[0].toFloatArray(), gc = gr[0].toFloatArray();
        double[] mc = new double[n], vc = new double[n], pd = new double[n];
        for (int i = 0; i < n; i++) pd[i] = pc[i];
        double lr = 1e-2, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.05;
        for (int step = 1; step <= 3; step++) {
            g.adamStep(p[1], gr[1], m, v, lr, b1, b2, eps, wd, true, step);
            for (int i = 0; i < n; i++) {
                pd[i] = (float) (pd[i] * (1 - lr * wd));
                mc[i] = (float) (b1 * mc[i] + (1 - b1) * gc[i]);
                vc[i] = (float) (b2 * vc[i] + (1 - b2) * gc[i] * gc[i]);
                pd[i] = (float) (pd[i] - lr / (1 - Math.pow(b1, step)) * mc[i] / (Math.sqrt(vc[i] / (1 - Math.pow(b2, step))) + eps));
            }
        }
        float[] got = CudaTwin.toCpu(p[1]).toFloatArray();
        for (int i = 0; i < n; i++) assertEquals(pd[i], got[i], 1e-6 + 1e-5 * Math.abs(pd[i]), "adamw element " + i);

        Tensor[] e = contiguous(DType.F32, 34, n);
        float[] ec = e[0].toFloatArray();
        g.emaUpdate(e[1], gr[1], 0.99);
        float[] eg = CudaTwin.toCpu(e[1]).toFloatArray();
        for (int i = 0; i < n; i++) assertEquals(0.99 * ec[i] + 0.01 * gc[i], eg[i], 1e-6, "ema element " + i);

        double kl = 0, l1 = 0;
        for (int i = 0; i < n; i++) {
            kl += 0.5 * (ec[i] * (double) ec[i] + Math.exp(gc[i]) - 1 - gc[i]);
            l1 += Math.abs((double) ec[i] - gc[i]);
        }
        Tensor ecg = toCuda(e[0]);
        assertEquals(kl, g.klSum(ecg, gr[1]), 1e-9 * n);
        assertEquals(l1, g.l1Sum(ecg, gr[1]), 1e-9 * n);
    }

    @Test void memoryScopeReturnsDeviceMemoryAndPeakIsReported() {
        CudaBackend g = cuda();
        g.synchronize();
        long before = g.memoryStats().allocatedBytes();
        g.resetPeakMemory();
        try (MemoryScope s = MemoryScope.open()) {
            gpuEmpty(DType.F32, 1 << 20);
            gpuEmpty(DType.F32, 1 << 18);
            assertEquals(before + (4L << 20) + (1L << 20), g.memoryStats().allocatedBytes());
        }
        CachingAllocator.Stats st = g.memoryStats();
        assertEquals(before, st.allocatedBytes());
        assertTrue(st.peakAllocatedBytes() >= before + (5L << 20), st.describe());
        assertTrue(st.reservedBytes() >= (5L << 20), st.describe());
    }
}
