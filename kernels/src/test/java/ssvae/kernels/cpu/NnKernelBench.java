package ssvae.kernels.cpu;

import ssvae.tensor.*;

/**
 * Quick timings of the F32 nn kernels (not a test): one JSON line per measurement, best single-thread CPU time of 5
 * runs after 6 warm-ups, and the reference path where given "ref". Run with -Dssvae.threads=1 (see the class comment
 * of each kernel for the layouts); GBps counts the bytes each pass must move at least.
 */
public class NnKernelBench {
    interface Body { void run(); }
    static final java.lang.management.ThreadMXBean TM = java.lang.management.ManagementFactory.getThreadMXBean();
    /** Best single-thread CPU time (wall time on a shared machine is noise). */
    static double time(Body b, int reps) {
        for (int i = 0; i < 6; i++) b.run();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < reps; i++) { long t = TM.getCurrentThreadCpuTime(); b.run(); best = Math.min(best, TM.getCurrentThreadCpuTime() - t); }
        return best / 1e6;
    }
    static void line(String name, String path, double ms, long bytes) {
        System.out.printf("{\"op\":\"%s\",\"path\":\"%s\",\"ms\":%.2f,\"GBps\":%.2f}%n", name, path, ms, bytes / ms / 1e6);
    }
    public static void main(String[] a) {
        Generator g = new Generator(1);
        boolean ref = a.length > 0 && a[0].equals("ref");
        int reps = 5;
        // RMS norm of the official model: F.normalize(x, dim=1) on [1, 128, 17, 64, 64]
        {
            int outer = 1, r = 128, inner = 17 * 64 * 64;
            Tensor x = Tensor.randn(g, DType.F32, Device.CPU, outer, r, inner), y = Tensor.empty(DType.F32, Device.CPU, outer, r, inner);
            Tensor m = Tensor.empty(DType.F32, Device.CPU, outer, inner), s = Tensor.empty(DType.F32, Device.CPU, outer, inner), gx = Tensor.empty(DType.F32, Device.CPU, outer, r, inner);
            long n = (long) outer * r * inner;
            line("l2norm_dim1_fwd", "f32", time(() -> CpuNn.normalize(NormMode.L2, x, outer, r, inner, 1e-12, y, m, s), reps), n * 8);
            line("l2norm_dim1_bwd", "f32", time(() -> CpuNn.normalizeBackward(NormMode.L2, x, outer, r, inner, 1e-12, m, s, y, gx), reps), n * 12);
            if (ref) line("l2norm_dim1_fwd", "ref", time(() -> CpuNormalize.forwardRef(NormMode.L2, x, outer, r, inner, 1e-12, y, m, s), 2), n * 8);
        }
        // group norm 32 groups on [1, 128, 17, 64, 64]
        {
            int outer = 32, r = 4 * 17 * 64 * 64, inner = 1;
            Tensor x = Tensor.randn(g, DType.F32, Device.CPU, outer, r), y = Tensor.empty(DType.F32, Device.CPU, outer, r);
            Tensor m = Tensor.empty(DType.F32, Device.CPU, outer, 1), s = Tensor.empty(DType.F32, Device.CPU, outer, 1), gx = Tensor.empty(DType.F32, Device.CPU, outer, r);
            long n = (long) outer * r;
            line("groupnorm_fwd", "f32", time(() -> CpuNn.normalize(NormMode.CENTERED, x, outer, r, inner, 1e-6, y, m, s), reps), n * 8);
            line("groupnorm_bwd", "f32", time(() -> CpuNn.normalizeBackward(NormMode.CENTERED, x, outer, r, inner, 1e-6, m, s, y, gx), reps), n * 12);
            if (ref) line("groupnorm_fwd", "ref", time(() -> CpuNormalize.forwardRef(NormMode.CENTERED, x, outer, r, inner, 1e-6, y, m, s), 2), n * 8);
        }
        // attention softmax rows [2048, 2048]
        {
            Tensor x = Tensor.randn(g, DType.F32, Device.CPU, 2048, 2048), y = Tensor.empty(DType.F32, Device.CPU, 2048, 2048), gx = Tensor.empty(DType.F32, Device.CPU, 2048, 2048);
            long n = 2048L * 2048;
            line("softmax_rows_fwd", "f32", time(() -> CpuNn.softmax(x, 1, false, y), reps), n * 8);
            line("softmax_rows_bwd", "f32", time(() -> CpuNn.softmaxBackward(y, x, 1, false, gx), reps), n * 12);
            line("softmax_cols_fwd", "f32", time(() -> CpuNn.softmax(x, 0, false, y), reps), n * 8);
            if (ref) line("softmax_rows_fwd", "ref", time(() -> CpuSoftmax.forwardRef(x, 2048, 2048, 1, false, y), 2), n * 8);
        }
        // trilinear 2x [1, 128, 9, 32, 32] -> [1, 128, 18, 64, 64]; bilinear 2x [17*128 planes, 32x32]
        {
            Tensor x = Tensor.randn(g, DType.F32, Device.CPU, 1, 128, 9, 32, 32), y = Tensor.empty(DType.F32, Device.CPU, 1, 128, 18, 64, 64);
            double[] sc = {0.5, 0.5, 0.5};
            long n = y.numel();
            line("trilinear2x_fwd", "f32", time(() -> CpuNn.interpolate(InterpMode.LINEAR, x, y, false, sc), reps), n * 4 + x.numel() * 4L);
            line("trilinear2x_bwd", "f32", time(() -> CpuNn.interpolateBackward(InterpMode.LINEAR, y, x, false, sc), reps), n * 4 + x.numel() * 4L);
            if (ref) line("trilinear2x_fwd", "ref", time(() -> CpuInterpolate.forwardRef(InterpMode.LINEAR, x, y, false, sc), 1), n * 4 + x.numel() * 4L);
            Tensor x2 = Tensor.randn(g, DType.F32, Device.CPU, 17, 128, 1, 32, 32), y2 = Tensor.empty(DType.F32, Device.CPU, 17, 128, 1, 64, 64);
            double[] s2 = {1, 0.5, 0.5};
            line("bilinear2x_fwd", "f32", time(() -> CpuNn.interpolate(InterpMode.LINEAR, x2, y2, false, s2), reps), y2.numel() * 4L + x2.numel() * 4L);
            line("nearest2x_fwd", "f32", time(() -> CpuNn.interpolate(InterpMode.NEAREST, x2, y2, false, s2), reps), y2.numel() * 4L + x2.numel() * 4L);
        }
        // max pool 2x2 [1, 64, 1, 256, 256]
        {
            Tensor x = Tensor.randn(g, DType.F32, Device.CPU, 1, 64, 1, 256, 256), y = Tensor.empty(DType.F32, Device.CPU, 1, 64, 1, 128, 128);
            Tensor idx = Tensor.empty(DType.I64, Device.CPU, 1, 64, 1, 128, 128);
            PoolParams p = new PoolParams(new int[] {1, 2, 2}, new int[] {1, 2, 2}, new int[] {0, 0, 0}, false);
            line("maxpool2x2_fwd", "f32", time(() -> CpuNn.maxPool(p, x, y, idx), reps), x.numel() * 4L + y.numel() * 12L);
            line("maxpool2x2_bwd", "f32", time(() -> CpuNn.maxPoolBackward(p, y, idx, x), reps), x.numel() * 4L + y.numel() * 12L);
        }
    }
}
