package ssvae.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ssvae.kernels.cuda.CudaTwin.cpuRandom;
import static ssvae.kernels.cuda.CudaTwin.cuda;
import static ssvae.kernels.cuda.CudaTwin.toCuda;

import org.junit.jupiter.api.Test;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Tensor;

/**
 * The fused SSVAE regulariser kernels (src-cu/fused.cu) against a direct double-precision transcription of the
 * official calculate_pearson_autocorr / windowed_localcorr_z and apply_lmr; LCR gradients against central
 * differences of that reference (eps 1e-6, atol 1e-7, rtol 1e-5). Argument checks run without a GPU.
 */
class CudaFusedTest {
    /** windowed_localcorr_z(renorm=True): {first, video}; z is (B, D, F, H, W) flat. */
    static double[] lcrReference(double[] z, int[] s, int[] win) {
        int B = s[0], D = s[1], F = s[2], H = s[3], W = s[4], tw = win[0], hw = win[1], ww = win[2];
        double[] out = {0, Double.NaN};
        for (int part = 0; part < (F > 1 ? 2 : 1); part++) {
            double sum = 0;
            long pairs = 0;
            int nt = part == 0 ? 1 : (F - 1) / tw, tlen = part == 0 ? 1 : tw;
            for (int b = 0; b < B; b++) for (int t0 = 0; t0 < nt; t0++) for (int h0 = 0; h0 < H; h0 += hw) for (int w0 = 0; w0 < W; w0 += ww) {
                int n = tlen * hw * ww;
                double[][] u = new double[n][D];
                int i = 0;
                for (int t = 0; t < tlen; t++) for (int dh = 0; dh < hw; dh++) for (int dw = 0; dw < ww; dw++, i++) {
                    int f = part == 0 ? 0 : 1 + t0 * tw + t;
                    double mean = 0, norm = 0;
                    for (int d = 0; d < D; d++) mean += z[idx(s, b, d, f, h0 + dh, w0 + dw)];
                    mean /= D;
                    for (int d = 0; d < D; d++) { double c = z[idx(s, b, d, f, h0 + dh, w0 + dw)] - mean; norm += c * c; }
                    norm = Math.sqrt(norm) + 1e-8;
                    for (int d = 0; d < D; d++) u[i][d] = (z[idx(s, b, d, f, h0 + dh, w0 + dw)] - mean) / norm;
                }
                for (int p = 0; p < n; p++) for (int q = p + 1; q < n; q++) {
                    double dot = 0;
                    for (int d = 0; d < D; d++) dot += u[p][d] * u[q][d];
                    sum += dot;
                    pairs++;
                }
            }
            out[part] = sum / pairs;
        }
        return out;
    }

    private static int idx(int[] s, int b, int d, int f, int h, int w) { return (((b * s[1] + d) * s[2] + f) * s[3] + h) * s[4] + w; }

    @Test void lcrArgumentChecksNeedNoGpu() {
        CudaBackend c = new CudaBackend();
        Tensor z = Tensor.zeros(DType.F32, Device.CPU, 1, 4, 5, 4, 6);
        assertThrows(IllegalArgumentException.class, () -> c.lcrForward(z, new int[] {2, 3, 3}));   // H = 4 not divisible by 3
        assertThrows(IllegalArgumentException.class, () -> c.lcrForward(z, new int[] {3, 2, 2}));   // F - 1 = 4 not divisible by 3
        assertThrows(IllegalArgumentException.class, () -> c.lcrForward(z, new int[] {2, 1, 1}));   // 1-pixel windows
        assertThrows(IllegalArgumentException.class, () -> c.lcrForward(z, new int[] {2, 2}));
        assertThrows(IllegalArgumentException.class, () -> c.lcrForward(Tensor.zeros(DType.F32, Device.CPU, 4, 5), new int[] {1, 2, 2}));
        Tensor token = Tensor.zeros(DType.F32, Device.CPU, 4), mask = Tensor.zeros(DType.U8, Device.CPU, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.lmrApply(z, token, mask, new int[] {1, 2, 2}, z));
        assertTrue(e.getMessage().contains("needs 30 entries"), e.getMessage());
        assertEquals(1.0 * 2 * 6 * 28, CudaBackend.lcrCount(new int[] {1, 4, 5, 4, 6}, new int[] {2, 2, 2}, 1));  // 2 t-windows x 6 spatial x C(8,2)
        assertEquals(6.0 * 6, CudaBackend.lcrCount(new int[] {1, 4, 5, 4, 6}, new int[] {2, 2, 2}, 0));
    }

    @Test void lcrForwardAndBackwardMatchTheReference() {
        CudaBackend g = cuda();
        int[] s = {2, 3, 5, 4, 4}, win = {2, 2, 2};
        Tensor zc = cpuRandom(DType.F64, 50, s);
        double[] z = zc.toDoubleArray();
        double[] ref = lcrReference(z, s, win);
        double[] got = g.lcrForward(toCuda(zc), win);
        assertEquals(ref[0], got[0], 1e-12);
        assertEquals(ref[1], got[1], 1e-12);
        Tensor f32 = cpuRandom(DType.F32, 50, s);
        double[] refF = lcrReference(f32.toDoubleArray(), s, win), gotF = g.lcrForward(toCuda(f32), win);
        assertEquals(refF[0], gotF[0], 1e-6);
        assertEquals(refF[1], gotF[1], 1e-6);

        double gFirst = 0.7, gVideo = -1.3;
        Tensor gz = CudaTwin.gpuEmpty(DType.F64, s);
        g.lcrBackward(toCuda(zc), win, gFirst, gVideo, gz);
        double[] grad = CudaTwin.toCpu(gz).toDoubleArray();
        for (int i = 0; i < z.length; i += 7) {
            double keep = z[i];
            z[i] = keep + 1e-6;
            double[] up = lcrReference(z, s, win);
            z[i] = keep - 1e-6;
            double[] dn = lcrReference(z, s, win);
            z[i] = keep;
            double fd = (gFirst * (up[0] - dn[0]) + gVideo * (up[1] - dn[1])) / 2e-6;
            assertEquals(fd, grad[i], 1e-7 + 1e-5 * Math.abs(fd), "LCR gradient element " + i);
        }
    }

    @Test void lmrApplyAndBackwardMatchWhere() {
        CudaBackend g = cuda();
        int[] s = {2, 3, 5, 4, 6}, block = {2, 2, 2};
        int blocks = (5 / 2) * (4 / 2) * (6 / 2);
        byte[] maskBytes = new byte[blocks];
        for (int i = 0; i < blocks; i++) maskBytes[i] = (byte) (i % 3 == 0 ? 1 : 0);
        Tensor mask = toCuda(Tensor.fromBytes(maskBytes, blocks));
        Tensor zc = cpuRandom(DType.F32, 51, s), tok = cpuRandom(DType.F32, 52, 3), go = cpuRandom(DType.F32, 53, s);
        Tensor out = CudaTwin.gpuEmpty(DType.F32, s), gz = CudaTwin.gpuEmpty(DType.F32, s), gt = CudaTwin.gpuEmpty(DType.F32, 3);
        g.lmrApply(toCuda(zc), toCuda(tok), mask, block, out);
        g.lmrBackward(toCuda(go), mask, block, gz, gt);
        float[] z = zc.toFloatArray(), t = tok.toFloatArray(), gof = go.toFloatArray();
        float[] o = CudaTwin.toCpu(out).toFloatArray(), gzf = CudaTwin.toCpu(gz).toFloatArray(), gtf = CudaTwin.toCpu(gt).toFloatArray();
        double[] tokGrad = new double[3];
        for (int b = 0; b < 2; b++) for (int c = 0; c < 3; c++) for (int f = 0; f < 5; f++) for (int h = 0; h < 4; h++) for (int w = 0; w < 6; w++) {
            int i = idx(s, b, c, f, h, w);
            boolean m = f < 4 && maskBytes[((f / 2) * 2 + h / 2) * 3 + w / 2] != 0;
            assertEquals(m ? t[c] : z[i], o[i], 0, "lmr element " + i);
            assertEquals(m ? 0 : gof[i], gzf[i], 0, "lmr grad element " + i);
            if (m) tokGrad[c] += gof[i];
        }
        for (int c = 0; c < 3; c++) assertEquals(tokGrad[c], gtf[c], 1e-4, "token grad " + c);
    }
}
