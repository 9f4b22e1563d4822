package ssvae.kernels.cuda;

import ssvae.tensor.Backend;
import ssvae.tensor.BinaryOp;
import ssvae.tensor.ConvParams;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.InterpMode;
import ssvae.tensor.NormMode;
import ssvae.tensor.PoolParams;
import ssvae.tensor.RandomKind;
import ssvae.tensor.ReduceOp;
import ssvae.tensor.Storage;
import ssvae.tensor.Tensor;
import ssvae.tensor.UnaryOp;

/**
 * The CUDA backend: JCuda driver API, hand-written kernels from src-cu (cuda/*.fatbin resources), cuBLAS for GEMM
 * when {@link GpuKernels} allows. Probes the machine lazily and once; without a usable GPU it reports unavailable
 * with one line ({@link #unavailableReason()}) and never touches CUDA again, so the CPU backend is unaffected.
 * Beyond {@link Backend}: fused training kernels ({@link #adamStep}, {@link #emaUpdate}, {@link #klSum},
 * {@link #l1Sum}) and memory reporting ({@link #memoryStats}).
 */
public final class CudaBackend implements Backend {
    private volatile Object cublas;  // Cublas or String (why not)
    private volatile Object cudnn;   // Cudnn or String (why not)

    @Override public Device.Type deviceType() { return Device.Type.CUDA; }
    @Override public String name() { return "cuda"; }
    private static volatile String linkFailure;

    @Override public boolean isAvailable() { return runtime() != null; }
    @Override public String unavailableReason() { return runtime() != null ? "" : reason(); }

    /** The runtime, or null; a class path without JCuda (LinkageError) counts as "unavailable", never as a crash. */
    private static CudaRuntime runtime() {
        if (linkFailure != null) return null;
        try {
            return CudaRuntime.get();
        } catch (LinkageError e) {
            linkFailure = "JCuda is not on the class path (" + e + ")";
            return null;
        }
    }

    private static String reason() { return linkFailure != null ? linkFailure : CudaRuntime.reason(); }

    private static CudaRuntime rt() {
        CudaRuntime r = runtime();
        if (r == null) throw new IllegalStateException("CUDA is not available: " + reason());
        return r;
    }

    /** "NVIDIA H100 ... (cc 9.0, driver 13.0)" or the unavailable reason. */
    public String describe() {
        CudaRuntime r = runtime();
        if (r == null) return "cuda: unavailable (" + reason() + ")";
        return "cuda:" + r.ordinal + " " + r.deviceName + " (compute capability " + r.ccMajor + "." + r.ccMinor + ", driver "
                + r.driverVersion / 1000 + "." + r.driverVersion % 1000 / 10 + "); vendor libraries: " + vendorStatus();
    }

    public CachingAllocator.Stats memoryStats() { return rt().allocator.stats(); }
    public void emptyCache() { rt().synchronize(); rt().allocator.emptyCache(); }
    public void resetPeakMemory() { rt().allocator.resetPeak(); }

    /** Milliseconds of GPU time for work (CUDA events). */
    public float timeMs(Runnable work) { return rt().time(work); }

    // ------------------------------------------------------------------ memory

    @Override public Storage allocate(DType dtype, int numel, Device device) {
        CudaRuntime r = rt();
        if (!device.isCuda() || device.index() != r.ordinal)
            throw new IllegalArgumentException("the CUDA backend drives cuda:" + r.ordinal + " (set -D" + CudaRuntime.DEVICE_PROPERTY
                    + " to choose another), asked for " + device);
        if (numel < 0) throw new IllegalArgumentException("negative element count " + numel);
        CachingAllocator.Block b = r.allocator.allocate((long) numel * dtype.bytes);
        return new CudaStorage(dtype, numel, device, r.allocator, b);
    }

    private static CudaStorage cs(Tensor t, String what) {
        if (t.storage() instanceof CudaStorage c) return c;
        throw new IllegalArgumentException(what + " is on " + t.device() + ", the CUDA backend needs it on cuda");
    }

    /** Base address of t's storage (kernels add t's offset themselves). */
    private static long base(Tensor t, String what) { return cs(t, what).address(); }

    /** Address of t's first element. */
    private static long at(Tensor t, String what) { return cs(t, what).address(t.offset()); }

    private static int dt(Tensor t) { return t.dtype().ordinal(); }

    private static void requireContiguous(Tensor t, String what) {
        if (!t.isContiguous()) throw new IllegalArgumentException(what + " must be contiguous for the CUDA kernel");
    }

    private static void sameNumel(Tensor a, Tensor b, String op) {
        if (a.numel() != b.numel()) throw new IllegalArgumentException(op + ": element counts differ (" + a.numel() + " vs " + b.numel() + ")");
    }

    @Override public void copyFromHost(Tensor src, Tensor dst) {
        if (!(src.storage() instanceof CpuStorage h)) throw new IllegalArgumentException("copyFromHost: source must be on cpu, got " + src.device());
        if (src.dtype() != dst.dtype()) throw new IllegalArgumentException("copyFromHost: dtype " + src.dtype() + " vs " + dst.dtype());
        sameNumel(src, dst, "copyFromHost");
        requireContiguous(src, "copyFromHost source");
        requireContiguous(dst, "copyFromHost destination");
        rt().upload(h.array(), src.offset(), src.numel(), src.dtype().bytes, cs(dst, "copyFromHost destination").address(dst.offset()));
    }

    @Override public void copyToHost(Tensor src, Tensor dst) {
        if (!(dst.storage() instanceof CpuStorage h)) throw new IllegalArgumentException("copyToHost: destination must be on cpu, got " + dst.device());
        if (src.dtype() != dst.dtype()) throw new IllegalArgumentException("copyToHost: dtype " + src.dtype() + " vs " + dst.dtype());
        sameNumel(src, dst, "copyToHost");
        requireContiguous(src, "copyToHost source");
        requireContiguous(dst, "copyToHost destination");
        rt().download(cs(src, "copyToHost source").address(src.offset()), h.array(), dst.offset(), dst.numel(), dst.dtype().bytes);
    }

    // ------------------------------------------------------------------ elementwise

    @Override public void copy(Tensor src, Tensor dst) {
        Shapes.same(src, dst, "copy");
        if (src.dtype() == dst.dtype() && src.isContiguous() && dst.isContiguous()) {
            rt().copyDeviceAsync(cs(dst, "copy destination").address(dst.offset()), cs(src, "copy source").address(src.offset()),
                    (long) src.numel() * src.dtype().bytes);
            return;
        }
        rt().launch1d("elementwise", "ew_copy", dst.numel(), base(src, "copy source"), dt(src), base(dst, "copy destination"), dt(dst),
                Geometry.elementwise(dst.shape(), src, dst));
    }

    @Override public void fill(Tensor dst, double value) {
        rt().launch1d("elementwise", "ew_fill", dst.numel(), base(dst, "fill destination"), dt(dst), value, (long) value,
                Geometry.elementwise(dst.shape(), dst));
    }

    @Override public void unary(UnaryOp op, Tensor x, Tensor out, double a, double b) {
        Shapes.same(x, out, "unary " + op);
        rt().launch1d("elementwise", "ew_unary", out.numel(), op.ordinal(), base(x, "unary input"), dt(x), base(out, "unary output"), dt(out),
                a, b, Geometry.elementwise(out.shape(), x, out));
    }

    @Override public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        Shapes.same(a, out, "binary " + op);
        Shapes.same(b, out, "binary " + op);
        rt().launch1d("elementwise", "ew_binary", out.numel(), op.ordinal(), base(a, "binary a"), dt(a), base(b, "binary b"), dt(b),
                base(out, "binary output"), dt(out), Geometry.elementwise(out.shape(), a, b, out));
    }

    @Override public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        Shapes.same(cond, out, "where");
        Shapes.same(a, out, "where");
        Shapes.same(b, out, "where");
        rt().launch1d("elementwise", "ew_where", out.numel(), base(cond, "where cond"), dt(cond), base(a, "where a"), dt(a),
                base(b, "where b"), dt(b), base(out, "where output"), dt(out), Geometry.elementwise(out.shape(), cond, a, b, out));
    }

    // ------------------------------------------------------------------ reductions

    @Override public void reduce(ReduceOp op, Tensor x, Tensor out) {
        if (op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN) throw new IllegalArgumentException(op + " goes through argReduce");
        Geometry.Reduction r = Geometry.reduction(x, out);
        if (r.nOut() == 0) return;
        int threads = LaunchConfig.reduceThreads(r.nRed());
        rt().launch("reduce", "reduce_dims", Math.min(r.nOut(), LaunchConfig.MAX_BLOCKS), 1, 1, threads, threads * 8,
                op.ordinal(), base(x, "reduce input"), dt(x), base(out, "reduce output"), dt(out),
                Geometry.reduceStruct(r, x.offset(), out.offset()));
    }

    @Override public void argReduce(ReduceOp op, Tensor x, int dim, Tensor out) {
        if (op != ReduceOp.ARGMAX && op != ReduceOp.ARGMIN) throw new IllegalArgumentException("argReduce takes ARGMAX or ARGMIN, got " + op);
        if (out.dtype() != DType.I64) throw new IllegalArgumentException("argReduce output must be I64, got " + out.dtype());
        if (x.size(dim) == 0) throw new IllegalArgumentException("argmax/argmin of an empty dimension");
        rt().launch1d("reduce", "arg_reduce", out.numel(), op.ordinal(), base(x, "argReduce input"), dt(x), base(out, "argReduce output"),
                x.size(dim), x.stride(dim), argGeometry(x, out));
    }

    /** Geo of arg_reduce: the output's iteration shape over x (its coordinate along dim is 0) and out. */
    static byte[] argGeometry(Tensor x, Tensor out) {
        return Geometry.elementwise(out.shape(), new Tensor(x.storage(), out.shape(), x.strides(), x.offset()), out);
    }

    // ------------------------------------------------------------------ GEMM / conv

    private Cublas cublas() {
        GpuKernels mode = GpuKernels.fromSystem();
        if (mode == GpuKernels.OWN) return null;
        Object c = cublas;
        if (c == null) {
            synchronized (this) {
                if (cublas == null) cublas = Cublas.load(rt().streamHandle());
                c = cublas;
            }
        }
        if (c instanceof Cublas cb) return cb;
        if (mode == GpuKernels.VENDOR)
            throw new IllegalStateException(GpuKernels.PROPERTY + "=vendor but " + c);
        return null;
    }

    private Cudnn cudnn() {
        GpuKernels mode = GpuKernels.fromSystem();
        if (mode == GpuKernels.OWN) return null;
        Object c = cudnn;
        if (c == null) {
            synchronized (this) {
                if (cudnn == null) cudnn = Cudnn.load(rt().streamHandle());
                c = cudnn;
            }
        }
        if (c instanceof Cudnn cd) return cd;
        if (mode == GpuKernels.VENDOR)
            throw new IllegalStateException(GpuKernels.PROPERTY + "=vendor but " + c);
        return null;
    }

    /** "cuBLAS: loaded libcublas.so.13; cuDNN: ...", "not used (own kernels)" or why a library is missing. */
    public String vendorStatus() {
        if (GpuKernels.fromSystem() == GpuKernels.OWN) return "not used (" + GpuKernels.PROPERTY + "=own)";
        if (runtime() == null) return "not loaded (" + reason() + ")";
        String b, d;
        try { Cublas cb = cublas(); b = cb != null ? "loaded " + cb.location : String.valueOf(cublas); } catch (IllegalStateException e) { b = e.getMessage(); }
        try { Cudnn cd = cudnn(); d = cd != null ? "loaded " + cd.location : String.valueOf(cudnn); } catch (IllegalStateException e) { d = e.getMessage(); }
        return "cuBLAS " + b + "; cuDNN " + d;
    }

    /** Runs a convolution pass in cuDNN when allowed and possible; false means "use our kernels". */
    private boolean vendorConv(Cudnn.Kind kind, ConvParams p, int[] xs, int[] ws, int[] ys, Tensor x, Tensor w, Tensor y) {
        Cudnn cd = Cudnn.supports(p, x.dtype(), w.dtype(), y.dtype()) ? cudnn() : null;
        if (cd == null) {
            if (GpuKernels.fromSystem() == GpuKernels.VENDOR)
                throw new IllegalStateException(GpuKernels.PROPERTY + "=vendor but cuDNN cannot take this convolution (dtypes "
                        + x.dtype() + "/" + w.dtype() + "/" + y.dtype() + ", asymmetric padding or cuDNN missing)");
            return false;
        }
        CudaRuntime r = rt();
        CachingAllocator.Block[] wsBlock = new CachingAllocator.Block[1];
        cd.run(kind, x.dtype(), p, xs, ws, ys, at(x, "conv x"), at(w, "conv w"), at(y, "conv y"),
                bytes -> { wsBlock[0] = r.allocator.allocate(bytes); return wsBlock[0].address(); },
                addr -> r.allocator.release(wsBlock[0]));
        return true;
    }

    @Override public void matmul(Tensor a, Tensor b, Tensor out) {
        int[] as = a.shape(), bs = b.shape(), os = out.shape();
        if (as.length != 3 || bs.length != 3 || os.length != 3)
            throw new IllegalArgumentException("matmul takes [B,M,K] x [B,K,N] -> [B,M,N]");
        int B = os[0], M = as[1], K = as[2], N = bs[2];
        if (bs[1] != K || os[1] != M || os[2] != N || (as[0] != B && as[0] != 1) || (bs[0] != B && bs[0] != 1))
            throw new IllegalArgumentException("matmul shapes do not agree: " + java.util.Arrays.toString(as) + " x "
                    + java.util.Arrays.toString(bs) + " -> " + java.util.Arrays.toString(os));
        int asb = as[0] == 1 ? 0 : a.stride(0), bsb = bs[0] == 1 ? 0 : b.stride(0);
        if (B == 0 || M == 0 || N == 0) return;
        if (K == 0) { fill(out, 0); return; }
        Cublas cb = a.dtype() == b.dtype() && b.dtype() == out.dtype() ? cublas() : null;
        if (cb != null && cb.gemm(a.dtype(), B, M, N, K, at(a, "matmul a"), asb, a.stride(1), a.stride(2),
                at(b, "matmul b"), bsb, b.stride(1), b.stride(2), at(out, "matmul out"), out.stride(0), out.stride(1), out.stride(2)))
            return;
        if (GpuKernels.fromSystem() == GpuKernels.VENDOR)
            throw new IllegalStateException(GpuKernels.PROPERTY + "=vendor but cuBLAS cannot take this matmul (dtypes "
                    + a.dtype() + "/" + b.dtype() + "/" + out.dtype() + " or strides)");
        byte[] g = matGeo(a, b, out);
        Variant v = Variant.of(a.dtype(), b.dtype());
        int[] grid = LaunchConfig.gemmGrid(M, N, B);
        rt().launch("gemm", "matmul_" + v.suffix, grid[0], grid[1], grid[2], v.threads, 0,
                base(a, "matmul a"), base(b, "matmul b"), base(out, "matmul out"), g);
    }

    /** struct MatGeo of gemm_views.cuh for [B,M,K] x [B,K,N] -> [B,M,N] (batch stride 0 where the batch size is 1). */
    static byte[] matGeo(Tensor a, Tensor b, Tensor out) {
        int asb = a.size(0) == 1 ? 0 : a.stride(0), bsb = b.size(0) == 1 ? 0 : b.stride(0);
        return new Struct().i32(a.size(1)).i32(b.size(2)).i32(a.size(2)).i32(dt(a)).i32(dt(b)).i32(dt(out))
                .i32(asb).i32(a.stride(1)).i32(a.stride(2)).i32(a.offset())
                .i32(bsb).i32(b.stride(1)).i32(b.stride(2)).i32(b.offset())
                .i32(out.stride(0)).i32(out.stride(1)).i32(out.stride(2)).i32(out.offset()).bytes();
    }

    /** Tile engine by operand dtypes: tensor cores for bf16/f16 pairs, double SIMT for F64, float SIMT otherwise. */
    enum Variant {
        WMMA_BF16("wmma_bf16", LaunchConfig.WMMA_THREADS), WMMA_F16("wmma_f16", LaunchConfig.WMMA_THREADS),
        SIMT_F64("simt_f64", LaunchConfig.SIMT_THREADS), SIMT_F32("simt_f32", LaunchConfig.SIMT_THREADS);

        final String suffix;
        final int threads;

        Variant(String suffix, int threads) { this.suffix = suffix; this.threads = threads; }

        static Variant of(DType a, DType b) {
            if (a == DType.BF16 && b == DType.BF16) return WMMA_BF16;
            if (a == DType.F16 && b == DType.F16) return WMMA_F16;
            if (a == DType.F64 || b == DType.F64) return SIMT_F64;
            return SIMT_F32;
        }
    }

    static byte[] convStruct(ConvParams p, int[] xs, int[] ws, int[] os, Tensor x, Tensor w, Tensor out, Tensor bias) {
        Struct s = new Struct();
        s.i32(xs[0]).i32(xs[1]).i32(xs[2]).i32(xs[3]).i32(xs[4]).i32(ws[0]).i32(os[2]).i32(os[3]).i32(os[4]).i32(ws[2]).i32(ws[3]).i32(ws[4]);
        s.i32(p.stride(), 3).i32(p.padBefore(), 3).i32(p.dilation(), 3).i32(p.groups());
        s.i32(dt(x)).i32(dt(w)).i32(dt(out)).i32(bias == null ? 0 : dt(bias)).i32(bias == null ? 0 : 1);
        s.i32(x.offset()).i32(w.offset()).i32(out.offset()).i32(bias == null ? 0 : bias.offset());
        return s.bytes();
    }

    /** Validates NCDHW x, OC,IC/g,KD,KH,KW w and N,OC,OD,OH,OW out; all contiguous. */
    private static void checkConv(ConvParams p, Tensor x, Tensor w, Tensor out) {
        requireContiguous(x, "conv input");
        requireContiguous(w, "conv weight");
        requireContiguous(out, "conv output");
        int[] xs = x.shape(), ws = w.shape(), os = out.shape();
        if (xs.length != 5 || ws.length != 5 || os.length != 5) throw new IllegalArgumentException("conv3d takes 5-D input, weight and output");
        int g = p.groups();
        if (xs[1] % g != 0 || ws[0] % g != 0 || ws[1] * g != xs[1])
            throw new IllegalArgumentException("conv channels do not match groups=" + g + ": input " + xs[1] + ", weight " + java.util.Arrays.toString(ws));
        for (int d = 0; d < 3; d++) {
            int o = p.outSize(d, xs[2 + d], ws[2 + d]);
            if (os[2 + d] != o) throw new IllegalArgumentException("conv output size " + os[2 + d] + " at spatial dim " + d + " should be " + o);
        }
        if (os[0] != xs[0] || os[1] != ws[0]) throw new IllegalArgumentException("conv output shape " + java.util.Arrays.toString(os) + " does not match");
    }

    private static void convLaunch(String kind, Variant v, int m, int n, int groups, Object... args) {
        int[] grid = LaunchConfig.gemmGrid(m, n, groups);
        rt().launch("gemm", "conv_" + kind + "_" + v.suffix, grid[0], grid[1], grid[2], v.threads, 0, args);
    }

    @Override public void convForward(ConvParams p, Tensor x, Tensor w, Tensor bias, Tensor out) {
        checkConv(p, x, w, out);
        if (bias != null && (bias.dim() != 1 || bias.size(0) != w.size(0))) throw new IllegalArgumentException("conv bias must be [" + w.size(0) + "]");
        int[] xs = x.shape(), ws = w.shape(), os = out.shape();
        int g = p.groups();
        if (out.numel() == 0) return;
        if ((bias == null || bias.dtype() == out.dtype()) && vendorConv(Cudnn.Kind.FORWARD, p, xs, ws, os, x, w, out)) {
            if (bias != null)
                binary(BinaryOp.ADD, out, new Tensor(bias.storage(), os, new int[] {0, bias.stride(0), 0, 0, 0}, bias.offset()), out);
            return;
        }
        convLaunch("fwd", Variant.of(x.dtype(), w.dtype()), ws[0] / g, os[0] * os[2] * os[3] * os[4], g,
                base(x, "conv input"), base(w, "conv weight"), bias == null ? 0L : base(bias, "conv bias"), base(out, "conv output"),
                convStruct(p, xs, ws, os, x, w, out, bias));
    }

    @Override public void convBackwardInput(ConvParams p, Tensor gradOut, Tensor w, Tensor gradIn) {
        checkConv(p, gradIn, w, gradOut);
        int[] xs = gradIn.shape(), ws = w.shape(), os = gradOut.shape();
        int g = p.groups();
        if (gradIn.numel() == 0) return;
        if (vendorConv(Cudnn.Kind.BACKWARD_DATA, p, xs, ws, os, gradIn, w, gradOut)) return;
        convLaunch("bwd_input", Variant.of(gradOut.dtype(), w.dtype()), xs[1] / g, xs[0] * xs[2] * xs[3] * xs[4], g,
                base(gradOut, "conv grad-output"), base(w, "conv weight"), base(gradIn, "conv grad-input"),
                convStruct(p, xs, ws, os, gradIn, w, gradOut, null));
    }

    @Override public void convBackwardWeight(ConvParams p, Tensor x, Tensor gradOut, Tensor gradW) {
        checkConv(p, x, gradW, gradOut);
        int[] xs = x.shape(), ws = gradW.shape(), os = gradOut.shape();
        int g = p.groups();
        if (gradW.numel() == 0) return;
        if (vendorConv(Cudnn.Kind.BACKWARD_FILTER, p, xs, ws, os, x, gradW, gradOut)) return;
        convLaunch("bwd_weight", Variant.of(x.dtype(), gradOut.dtype()), ws[0] / g, ws[1] * ws[2] * ws[3] * ws[4], g,
                base(x, "conv input"), base(gradOut, "conv grad-output"), base(gradW, "conv grad-weight"),
                convStruct(p, xs, ws, os, x, gradW, gradOut, null));
    }

    // ------------------------------------------------------------------ nn

    /** [outer, n, inner] split of a contiguous tensor around dim. */
    private static int[] around(Tensor x, int dim) {
        int[] s = x.shape();
        int outer = 1, inner = 1;
        for (int d = 0; d < dim; d++) outer *= s[d];
        for (int d = dim + 1; d < s.length; d++) inner *= s[d];
        return new int[] {outer, s[dim], inner};
    }

    @Override public void softmax(Tensor x, int dim, boolean log, Tensor out) {
        requireContiguous(x, "softmax input");
        requireContiguous(out, "softmax output");
        Shapes.same(x, out, "softmax");
        int[] o = around(x, dim);
        if (x.numel() == 0) return;
        if (o[2] == 1) rt().launch("softmax", "softmax_rows", Math.min(o[0], LaunchConfig.MAX_BLOCKS), 1, 1, LaunchConfig.THREADS, 0,
                at(x, "softmax input"), dt(x), at(out, "softmax output"), o[0], o[1], log ? 1 : 0);
        else rt().launch1d("softmax", "softmax_cols", (long) o[0] * o[2], at(x, "softmax input"), dt(x), at(out, "softmax output"),
                o[0], o[1], o[2], log ? 1 : 0);
    }

    @Override public void softmaxBackward(Tensor y, Tensor gy, int dim, boolean log, Tensor gx) {
        requireContiguous(y, "softmax output");
        requireContiguous(gy, "softmax grad");
        requireContiguous(gx, "softmax input grad");
        if (y.dtype() != gy.dtype() || y.dtype() != gx.dtype()) throw new IllegalArgumentException("softmax backward needs one dtype");
        int[] o = around(y, dim);
        if (y.numel() == 0) return;
        if (o[2] == 1) rt().launch("softmax", "softmax_backward_rows", Math.min(o[0], LaunchConfig.MAX_BLOCKS), 1, 1, LaunchConfig.THREADS, 0,
                at(y, "y"), at(gy, "gy"), dt(y), at(gx, "gx"), o[0], o[1], log ? 1 : 0);
        else rt().launch1d("softmax", "softmax_backward_cols", (long) o[0] * o[2], at(y, "y"), at(gy, "gy"), dt(y), at(gx, "gx"),
                o[0], o[1], o[2], log ? 1 : 0);
    }

    static byte[] normArgs(NormMode mode, int outer, int r, int inner, Tensor x, Tensor stat, double eps) {
        return new Struct().i32(mode.ordinal()).i32(outer).i32(r).i32(inner).i32(dt(x)).i32(dt(stat)).f64(eps).bytes();
    }

    private static void checkNorm(Tensor x, int outer, int r, int inner, Tensor mean, Tensor rstd) {
        requireContiguous(x, "normalize input");
        requireContiguous(mean, "normalize mean");
        requireContiguous(rstd, "normalize rstd");
        if ((long) outer * r * inner != x.numel()) throw new IllegalArgumentException("normalize view " + outer + "x" + r + "x" + inner + " does not cover " + x.numel() + " elements");
        if (mean.numel() != outer * inner || rstd.numel() != outer * inner) throw new IllegalArgumentException("normalize mean/rstd need " + outer * inner + " elements");
        if (mean.dtype() != rstd.dtype()) throw new IllegalArgumentException("normalize mean and rstd dtypes differ");
    }

    @Override public void normalize(NormMode mode, Tensor x, int outer, int r, int inner, double eps, Tensor out, Tensor mean, Tensor rstd) {
        checkNorm(x, outer, r, inner, mean, rstd);
        requireContiguous(out, "normalize output");
        if (outer * inner == 0) return;
        byte[] a = normArgs(mode, outer, r, inner, x, rstd, eps);
        Object[] args = {at(x, "x"), at(out, "out"), at(mean, "mean"), at(rstd, "rstd"), a};
        if (inner == 1) rt().launch("normalize", "normalize_rows", Math.min(outer, LaunchConfig.MAX_BLOCKS), 1, 1, LaunchConfig.THREADS, 0, args);
        else rt().launch1d("normalize", "normalize_cols", (long) outer * inner, args);
    }

    @Override public void normalizeBackward(NormMode mode, Tensor x, int outer, int r, int inner, double eps, Tensor mean, Tensor rstd,
                                            Tensor gy, Tensor gx) {
        checkNorm(x, outer, r, inner, mean, rstd);
        requireContiguous(gy, "normalize grad");
        requireContiguous(gx, "normalize input grad");
        if (gy.dtype() != x.dtype() || gx.dtype() != x.dtype()) throw new IllegalArgumentException("normalize backward needs x, gy, gx of one dtype");
        if (outer * inner == 0) return;
        byte[] a = normArgs(mode, outer, r, inner, x, rstd, eps);
        Object[] args = {at(x, "x"), at(mean, "mean"), at(rstd, "rstd"), at(gy, "gy"), at(gx, "gx"), a};
        if (inner == 1) rt().launch("normalize", "normalize_backward_rows", Math.min(outer, LaunchConfig.MAX_BLOCKS), 1, 1, LaunchConfig.THREADS, 0, args);
        else rt().launch1d("normalize", "normalize_backward_cols", (long) outer * inner, args);
    }

    static byte[] interpArgs(InterpMode mode, boolean align, int[] in, int[] out, double[] scales, DType dt, DType gdt) {
        if (in.length != 5 || out.length != 5) throw new IllegalArgumentException("interpolate takes 5-D N,C,D,H,W tensors");
        if (scales == null || scales.length != 3) throw new IllegalArgumentException("interpolate needs 3 scales (D, H, W)");
        if (in[0] != out[0] || in[1] != out[1]) throw new IllegalArgumentException("interpolate keeps N and C");
        Struct s = new Struct().i32(mode.ordinal()).i32(align ? 1 : 0).i32(in[0] * in[1]).i32(dt.ordinal()).i32(gdt.ordinal());
        for (int d = 0; d < 3; d++) s.i32(in[2 + d]);
        for (int d = 0; d < 3; d++) s.i32(out[2 + d]);
        for (int d = 0; d < 3; d++) s.f64(scales[d]);
        return s.bytes();
    }

    @Override public void interpolate(InterpMode mode, Tensor x, Tensor out, boolean alignCorners, double[] scales) {
        requireContiguous(x, "interpolate input");
        requireContiguous(out, "interpolate output");
        if (x.dtype() != out.dtype()) throw new IllegalArgumentException("interpolate keeps the dtype");
        byte[] a = interpArgs(mode, alignCorners, x.shape(), out.shape(), scales, x.dtype(), x.dtype());
        rt().launch1d("interpolate", "interpolate_fwd", out.numel(), at(x, "x"), at(out, "out"), a);
    }

    @Override public void interpolateBackward(InterpMode mode, Tensor gOut, Tensor gIn, boolean alignCorners, double[] scales) {
        requireContiguous(gOut, "interpolate grad");
        requireContiguous(gIn, "interpolate input grad");
        byte[] a = interpArgs(mode, alignCorners, gIn.shape(), gOut.shape(), scales, gIn.dtype(), gOut.dtype());
        fill(gIn, 0);
        rt().launch1d("interpolate", "interpolate_bwd", gOut.numel(), at(gOut, "gOut"), at(gIn, "gIn"), a);
    }

    static byte[] poolArgs(PoolParams p, int[] in, int[] out, DType dt) {
        if (in.length != 5 || out.length != 5) throw new IllegalArgumentException("max pool takes 5-D N,C,D,H,W tensors");
        for (int d = 0; d < 3; d++) {
            int o = p.outSize(d, in[2 + d]);
            if (out[2 + d] != o) throw new IllegalArgumentException("max pool output size " + out[2 + d] + " at spatial dim " + d + " should be " + o);
        }
        Struct s = new Struct().i32(in[0] * in[1]).i32(dt.ordinal()).i32(DType.I64.ordinal());
        for (int d = 0; d < 3; d++) s.i32(in[2 + d]);
        for (int d = 0; d < 3; d++) s.i32(out[2 + d]);
        s.i32(p.kernel(), 3).i32(p.stride(), 3).i32(p.padding(), 3);
        return s.bytes();
    }

    @Override public void maxPool(PoolParams p, Tensor x, Tensor out, Tensor indices) {
        requireContiguous(x, "max pool input");
        requireContiguous(out, "max pool output");
        requireContiguous(indices, "max pool indices");
        if (indices.dtype() != DType.I64) throw new IllegalArgumentException("max pool indices must be I64");
        byte[] a = poolArgs(p, x.shape(), out.shape(), x.dtype());
        rt().launch1d("pool", "maxpool_fwd", out.numel(), at(x, "x"), at(out, "out"), at(indices, "indices"), a);
    }

    @Override public void maxPoolBackward(PoolParams p, Tensor gOut, Tensor indices, Tensor gIn) {
        requireContiguous(gOut, "max pool grad");
        requireContiguous(indices, "max pool indices");
        requireContiguous(gIn, "max pool input grad");
        if (gOut.dtype() != gIn.dtype()) throw new IllegalArgumentException("max pool backward keeps the dtype");
        byte[] a = poolArgs(p, gIn.shape(), gOut.shape(), gIn.dtype());
        fill(gIn, 0);
        rt().launch1d("pool", "maxpool_bwd", gOut.numel(), at(gOut, "gOut"), at(indices, "indices"), at(gIn, "gIn"), a);
    }

    // ------------------------------------------------------------------ indexing

    private void indexOp(int kind, Tensor t0, Tensor t1, Tensor index, int dim, int dimSize, Tensor iter) {
        if (index.dtype() != DType.I64 && index.dtype() != DType.I32) throw new IllegalArgumentException("index must be I64 or I32, got " + index.dtype());
        int[] shape = iter.shape();
        if (shape.length > Geometry.MAXD) throw new IllegalArgumentException("CUDA index kernels take at most " + Geometry.MAXD + " dims");
        if (kind < 2 && index.dim() != 1) throw new IllegalArgumentException("index must be 1-D, got " + index.dim() + " dims");
        if (iter.numel() == 0) return;
        byte[] args = idxArgs(kind, t0, t1, index, dim, dimSize, iter);
        CudaRuntime r = rt();
        Tensor err = Tensor.zeros(DType.I32, Device.cuda(r.ordinal), 1);
        try {
            r.launch1d("index", "index_ops", iter.numel(), base(t0, "index operand"), base(t1, "index operand"), base(index, "index"),
                    base(err, "flag"), args);
            int[] flag = new int[1];
            r.download(cs(err, "flag").address(), flag, 0, 1, 4);
            if (flag[0] != 0) throw new IndexOutOfBoundsException("index out of bounds for dimension " + dim + " with size " + dimSize);
        } finally {
            err.storage().release();
        }
    }

    /** struct IdxArgs of index.cu (kinds: 0 index_select, 1 index_add_, 2 gather, 3 scatter_add_). */
    static byte[] idxArgs(int kind, Tensor t0, Tensor t1, Tensor index, int dim, int dimSize, Tensor iter) {
        int[] shape = iter.shape();
        Struct s = new Struct().i32(kind).i32(shape.length).i32(iter.numel()).i32(dim).i32(dimSize).i32(shape, Geometry.MAXD);
        s.i32(t0.strides(), Geometry.MAXD).i32(t1.strides(), Geometry.MAXD).i32(kind >= 2 ? index.strides() : new int[0], Geometry.MAXD);
        s.i32(t0.offset()).i32(t1.offset()).i32(index.offset()).i32(kind < 2 ? index.stride(0) : 0);
        s.i32(dt(t0)).i32(dt(t1)).i32(dt(index));
        return s.bytes();
    }

    @Override public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        if (out.dtype() != x.dtype()) throw new IllegalArgumentException("index_select keeps the dtype");
        indexOp(0, x, out, index, dim, x.size(dim), out);
    }

    @Override public void indexAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        indexOp(1, dst, src, index, dim, dst.size(dim), src);
    }

    @Override public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        if (out.dtype() != x.dtype()) throw new IllegalArgumentException("gather keeps the dtype");
        Shapes.same(index, out, "gather");
        indexOp(2, x, out, index, dim, x.size(dim), out);
    }

    @Override public void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        indexOp(3, dst, src, index, dim, dst.size(dim), index);
    }

    // ------------------------------------------------------------------ random

    @Override public void random(RandomKind kind, Tensor out, double a, double b, long seed, long offset) {
        requireContiguous(out, "random fill output");
        int n = out.numel();
        rt().launch1d("random", "random_fill", (n + 3L) / 4, kind.ordinal(), base(out, "random output"), dt(out), (long) out.offset(), n,
                a, b, seed, offset);
    }

    /** Raw Philox4x32-10 blocks for counters offset..offset+n-1 (4 ints each), for bit-exact checks against the CPU. */
    public int[] philoxBlocks(long seed, long offset, int n) {
        CudaRuntime r = rt();
        Tensor t = Tensor.empty(DType.I32, Device.cuda(r.ordinal), 4 * n);
        try {
            r.launch1d("random", "philox_blocks", n, seed, offset, n, base(t, "blocks"));
            int[] out = new int[4 * n];
            r.download(cs(t, "blocks").address(), out, 0, 4 * n, 4);
            return out;
        } finally {
            t.storage().release();
        }
    }

    @Override public void synchronize() { if (runtime() != null) rt().synchronize(); }

    // ------------------------------------------------------------------ fused training kernels

    /**
     * One Adam (decoupled = false) or AdamW (decoupled = true) step in place on a contiguous parameter with F32
     * state m and v; step counts from 1 (torch.optim.Adam/AdamW, single-tensor, bias-corrected).
     */
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                         double weightDecay, boolean decoupled, long step) {
        for (Tensor t : new Tensor[] {param, grad, m, v}) requireContiguous(t, "adam operand");
        if (m.dtype() != DType.F32 || v.dtype() != DType.F32) throw new IllegalArgumentException("adam state must be F32");
        sameNumel(param, grad, "adam");
        sameNumel(param, m, "adam");
        sameNumel(param, v, "adam");
        if (step < 1) throw new IllegalArgumentException("adam step counts from 1, got " + step);
        byte[] a = new Struct().i32(param.numel()).i32(dt(param)).i32(dt(grad)).i32(decoupled ? 1 : 0).f64(lr).f64(beta1).f64(beta2)
                .f64(eps).f64(weightDecay).f64(1 - Math.pow(beta1, step)).f64(1 - Math.pow(beta2, step)).bytes();
        rt().launch1d("optim", "adam_step", param.numel(), at(param, "param"), at(grad, "grad"), at(m, "m"), at(v, "v"), a);
    }

    /** ema = decay * ema + (1 - decay) * param (contiguous, same numel). */
    public void emaUpdate(Tensor ema, Tensor param, double decay) {
        requireContiguous(ema, "ema");
        requireContiguous(param, "ema param");
        sameNumel(ema, param, "ema");
        rt().launch1d("optim", "ema_update", ema.numel(), at(ema, "ema"), dt(ema), at(param, "param"), dt(param), ema.numel(), decay);
    }

    /** sum 0.5 * (mean^2 + exp(logvar) - 1 - logvar) over contiguous tensors of one dtype (the Gaussian KL, unreduced sum). */
    public double klSum(Tensor mean, Tensor logvar) { return sumKernel("loss_kl_sum", mean, logvar); }

    /** sum |a - b| over contiguous tensors of one dtype. */
    public double l1Sum(Tensor a, Tensor b) { return sumKernel("loss_l1_sum", a, b); }

    private double sumKernel(String fn, Tensor a, Tensor b) {
        requireContiguous(a, fn + " operand");
        requireContiguous(b, fn + " operand");
        sameNumel(a, b, fn);
        if (a.dtype() != b.dtype()) throw new IllegalArgumentException(fn + " needs one dtype");
        CudaRuntime r = rt();
        Tensor acc = Tensor.zeros(DType.F64, Device.cuda(r.ordinal), 1);
        try {
            r.launch1d("reduce", fn, a.numel(), at(a, "a"), at(b, "b"), dt(a), a.numel(), base(acc, "acc"));
            double[] out = new double[1];
            r.download(cs(acc, "acc").address(), out, 0, 1, 8);
            return out[0];
        } finally {
            acc.storage().release();
        }
    }

    // ------------------------------------------------------------------ SSVAE regularisers (src-cu/fused.cu)

    private static int[] lcrGeometry(Tensor z, int[] window) {
        requireContiguous(z, "LCR latent");
        if (z.dim() != 5) throw new IllegalArgumentException("LCR takes a 5-D latent (B, D, F, H, W), got " + z.dim() + " dims");
        if (window == null || window.length != 3) throw new IllegalArgumentException("LCR window must be [t, h, w]");
        int[] s = z.shape();
        int tw = window[0], hw = window[1], ww = window[2];
        if (tw < 1 || hw < 1 || ww < 1) throw new IllegalArgumentException("LCR window sizes must be >= 1");
        if (s[3] % hw != 0 || s[4] % ww != 0)
            throw new IllegalArgumentException("LCR: H and W (" + s[3] + ", " + s[4] + ") must be divisible by " + hw + " and " + ww);
        if (s[2] > 1 && (s[2] - 1) % tw != 0)
            throw new IllegalArgumentException("LCR: F - 1 = " + (s[2] - 1) + " must be divisible by the temporal window " + tw);
        if (hw * ww < 2) throw new IllegalArgumentException("LCR: a spatial window needs at least 2 latent pixels");
        if (tw * hw * ww > 1024) throw new IllegalArgumentException("LCR: windows of more than 1024 latent pixels are not supported");
        return s;
    }

    /** Number of (window, pair) terms averaged by part 0 (first frame) or 1 (video). */
    static double lcrCount(int[] s, int[] window, int part) {
        long spatial = (long) (s[3] / window[1]) * (s[4] / window[2]);
        long windows = part == 0 ? s[0] * spatial : (long) s[0] * ((s[2] - 1) / window[0]) * spatial;
        long n = (long) (part == 0 ? 1 : window[0]) * window[1] * window[2];
        return (double) windows * n * (n - 1) / 2;
    }

    /** struct LcrArgs of fused.cu. */
    static byte[] lcrArgs(int[] s, int[] window, int part, DType dt) {
        return new Struct().i32(s[0]).i32(s[1]).i32(s[2]).i32(s[3]).i32(s[4]).i32(window[0]).i32(window[1]).i32(window[2])
                .i32(part).i32(dt.ordinal()).bytes();
    }

    private void lcrLaunch(String fn, Tensor z, int[] s, int[] window, int part, Object... tail) {
        int n = (part == 0 ? 1 : window[0]) * window[1] * window[2];
        int windows = (int) (part == 0 ? (long) s[0] * (s[3] / window[1]) * (s[4] / window[2])
                : (long) s[0] * ((s[2] - 1) / window[0]) * (s[3] / window[1]) * (s[4] / window[2]));
        byte[] a = lcrArgs(s, window, part, z.dtype());
        Object[] args = new Object[2 + tail.length];
        args[0] = at(z, "LCR latent");
        args[1] = a;
        System.arraycopy(tail, 0, args, 2, tail.length);
        rt().launch("fused", fn, Math.min(windows, LaunchConfig.MAX_BLOCKS), 1, 1, Math.ceilDiv(n, 32) * 32, (s[1] + 1) * 8, args);
    }

    /**
     * SSVAE local correlation (windowed_localcorr_z with renorm=True) of an already channel-normalised latent z
     * (B, D, F, H, W): {first-frame/image mean correlation, video mean correlation (NaN when F == 1)}.
     */
    public double[] lcrForward(Tensor z, int[] window) {
        int[] s = lcrGeometry(z, window);
        CudaRuntime r = rt();
        Tensor acc = Tensor.zeros(DType.F64, Device.cuda(r.ordinal), 2);
        try {
            lcrLaunch("lcr_forward", z, s, window, 0, base(acc, "acc"));
            if (s[2] > 1) lcrLaunch("lcr_forward", z, s, window, 1, base(acc, "acc") + 8);
            double[] out = new double[2];
            r.download(cs(acc, "acc").address(), out, 0, 2, 8);
            return new double[] {out[0] / lcrCount(s, window, 0), s[2] > 1 ? out[1] / lcrCount(s, window, 1) : Double.NaN};
        } finally {
            acc.storage().release();
        }
    }

    /** gz = d(gFirst * first + gVideo * video)/dz for the values of {@link #lcrForward} (gVideo ignored when F == 1). */
    public void lcrBackward(Tensor z, int[] window, double gFirst, double gVideo, Tensor gz) {
        int[] s = lcrGeometry(z, window);
        requireContiguous(gz, "LCR gradient");
        Shapes.same(z, gz, "LCR backward");
        if (gz.dtype() != z.dtype()) throw new IllegalArgumentException("LCR gradient must have the latent's dtype");
        lcrLaunch("lcr_backward", z, s, window, 0, gFirst / lcrCount(s, window, 0), at(gz, "gz"));
        if (s[2] > 1) lcrLaunch("lcr_backward", z, s, window, 1, gVideo / lcrCount(s, window, 1), at(gz, "gz"));
    }

    private static byte[] lmrArgs(Tensor z, Tensor token, Tensor blockMask, int[] block) {
        requireContiguous(z, "LMR latent");
        if (z.dim() != 5) throw new IllegalArgumentException("LMR takes a 5-D latent (B, C, T, H, W)");
        if (block == null || block.length != 3 || block[0] < 1 || block[1] < 1 || block[2] < 1)
            throw new IllegalArgumentException("LMR block size must be three positive ints");
        int[] s = z.shape();
        int blocks = (s[2] / block[0]) * (s[3] / block[1]) * (s[4] / block[2]);
        requireContiguous(blockMask, "LMR block mask");
        if (blockMask.dtype() != DType.U8 && blockMask.dtype() != DType.BOOL) throw new IllegalArgumentException("LMR block mask must be U8 or BOOL");
        if (blockMask.numel() != blocks) throw new IllegalArgumentException("LMR block mask needs " + blocks + " entries, got " + blockMask.numel());
        requireContiguous(token, "LMR mask token");
        if (token.numel() != s[1]) throw new IllegalArgumentException("LMR mask token needs " + s[1] + " channels, got " + token.numel());
        return new Struct().i32(s[0]).i32(s[1]).i32(s[2]).i32(s[3]).i32(s[4]).i32(block[0]).i32(block[1]).i32(block[2])
                .i32(dt(z)).i32(dt(token)).bytes();
    }

    /** SSVAE LMR: out = where(mask, token[c], z) with one mask byte per t x h x w block (apply_lmr). */
    public void lmrApply(Tensor z, Tensor token, Tensor blockMask, int[] block, Tensor out) {
        byte[] a = lmrArgs(z, token, blockMask, block);
        requireContiguous(out, "LMR output");
        Shapes.same(z, out, "LMR");
        rt().launch1d("fused", "lmr_apply", z.numel(), at(z, "z"), at(token, "token"), at(blockMask, "mask"), at(out, "out"), a);
    }

    /** Gradients of {@link #lmrApply}: gz = gOut where unmasked (0 elsewhere); gToken (overwritten) = sum of gOut over masked positions. */
    public void lmrBackward(Tensor gOut, Tensor blockMask, int[] block, Tensor gz, Tensor gToken) {
        byte[] a = lmrArgs(gOut, gToken, blockMask, block);
        requireContiguous(gz, "LMR latent gradient");
        Shapes.same(gOut, gz, "LMR backward");
        fill(gToken, 0);
        rt().launch1d("fused", "lmr_backward", gOut.numel(), at(gOut, "gOut"), at(blockMask, "mask"), at(gz, "gz"), at(gToken, "gToken"), a);
    }

    /** Shape checks shared by the ops. */
    static final class Shapes {
        private Shapes() {}

        static void same(Tensor a, Tensor b, String op) {
            if (!a.sameShape(b))
                throw new IllegalArgumentException(op + ": shapes " + java.util.Arrays.toString(a.shape()) + " and "
                        + java.util.Arrays.toString(b.shape()) + " differ (expand first)");
        }
    }
}
