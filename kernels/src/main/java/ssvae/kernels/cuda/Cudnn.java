package ssvae.kernels.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.function.LongFunction;
import ssvae.tensor.ConvParams;
import ssvae.tensor.DType;

/**
 * cuDNN 9 convolutions through java.lang.foreign (the legacy descriptor API, still exported by libcudnn.so.9):
 * forward, backward-data and backward-filter on contiguous NCDHW tensors with symmetric zero padding; algorithms
 * from the *_v7 heuristics, workspace from the caller's allocator. F32/F64 are restricted to FMA math (no TF32),
 * BF16/F16 may use tensor cores. Bias is added by the caller.
 */
final class Cudnn {
    static final int FLOAT = 0, DOUBLE = 1, HALF = 2, BFLOAT16 = 9;
    static final int NCHW = 0, CROSS_CORRELATION = 1, DEFAULT_MATH = 0, TENSOR_OP_MATH = 1, FMA_MATH = 3;

    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong J = ValueLayout.JAVA_LONG;
    private static final ValueLayout A = ValueLayout.ADDRESS;
    /** cudnnConvolution*AlgoPerf_t: algo, status, time, (pad), memory, determinism, mathType, reserved[3]. */
    static final MemoryLayout PERF = MemoryLayout.structLayout(I.withName("algo"), I.withName("status"), ValueLayout.JAVA_FLOAT,
            MemoryLayout.paddingLayout(4), J.withName("memory"), I, I.withName("mathType"), MemoryLayout.sequenceLayout(3, I),
            MemoryLayout.paddingLayout(4));
    private static final int PERF_COUNT = 8;

    private final MethodHandle createTensor, setTensorNd, destroyTensor, createFilter, setFilterNd, destroyFilter;
    private final MethodHandle createConv, setConvNd, setGroups, setMath, destroyConv;
    private final MethodHandle fwdAlgo, fwdWs, fwd, bdAlgo, bdWs, bd, bfAlgo, bfWs, bf;
    private final long handle;
    final String location;

    private Cudnn(NativeLibraries.Found lib, long stream) throws Throwable {
        Linker l = Linker.nativeLinker();
        createTensor = h(l, lib, "cudnnCreateTensorDescriptor", FunctionDescriptor.of(I, A));
        setTensorNd = h(l, lib, "cudnnSetTensorNdDescriptor", FunctionDescriptor.of(I, J, I, I, A, A));
        destroyTensor = h(l, lib, "cudnnDestroyTensorDescriptor", FunctionDescriptor.of(I, J));
        createFilter = h(l, lib, "cudnnCreateFilterDescriptor", FunctionDescriptor.of(I, A));
        setFilterNd = h(l, lib, "cudnnSetFilterNdDescriptor", FunctionDescriptor.of(I, J, I, I, I, A));
        destroyFilter = h(l, lib, "cudnnDestroyFilterDescriptor", FunctionDescriptor.of(I, J));
        createConv = h(l, lib, "cudnnCreateConvolutionDescriptor", FunctionDescriptor.of(I, A));
        setConvNd = h(l, lib, "cudnnSetConvolutionNdDescriptor", FunctionDescriptor.of(I, J, I, A, A, A, I, I));
        setGroups = h(l, lib, "cudnnSetConvolutionGroupCount", FunctionDescriptor.of(I, J, I));
        setMath = h(l, lib, "cudnnSetConvolutionMathType", FunctionDescriptor.of(I, J, I));
        destroyConv = h(l, lib, "cudnnDestroyConvolutionDescriptor", FunctionDescriptor.of(I, J));
        // (handle, d1, d2, conv, d3, requested, *returned, *perf)
        FunctionDescriptor algo = FunctionDescriptor.of(I, J, J, J, J, J, I, A, A);
        FunctionDescriptor ws = FunctionDescriptor.of(I, J, J, J, J, J, I, A);
        // (handle, alpha, d1, p1, d2, p2, conv, algo, ws, wsSize, beta, d3, p3)
        FunctionDescriptor run = FunctionDescriptor.of(I, J, A, J, J, J, J, J, I, J, J, A, J, J);
        fwdAlgo = h(l, lib, "cudnnGetConvolutionForwardAlgorithm_v7", algo);
        fwdWs = h(l, lib, "cudnnGetConvolutionForwardWorkspaceSize", ws);
        fwd = h(l, lib, "cudnnConvolutionForward", run);
        bdAlgo = h(l, lib, "cudnnGetConvolutionBackwardDataAlgorithm_v7", algo);
        bdWs = h(l, lib, "cudnnGetConvolutionBackwardDataWorkspaceSize", ws);
        bd = h(l, lib, "cudnnConvolutionBackwardData", run);
        bfAlgo = h(l, lib, "cudnnGetConvolutionBackwardFilterAlgorithm_v7", algo);
        bfWs = h(l, lib, "cudnnGetConvolutionBackwardFilterWorkspaceSize", ws);
        bf = h(l, lib, "cudnnConvolutionBackwardFilter", run);
        MethodHandle create = h(l, lib, "cudnnCreate", FunctionDescriptor.of(I, A));
        MethodHandle setStream = h(l, lib, "cudnnSetStream", FunctionDescriptor.of(I, J, J));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(J);
            check((int) create.invokeExact(p), "cudnnCreate");
            handle = p.get(J, 0);
        }
        check((int) setStream.invokeExact(handle, stream), "cudnnSetStream");
        location = lib.location();
    }

    private static MethodHandle h(Linker l, NativeLibraries.Found lib, String name, FunctionDescriptor fd) {
        return l.downcallHandle(lib.lookup().find(name).orElseThrow(() -> new IllegalStateException(lib.location() + " has no symbol " + name)), fd);
    }

    private static void check(int status, String what) {
        if (status != 0) throw new IllegalStateException(what + " failed with cuDNN status " + status);
    }

    static Object load(long stream) {
        NativeLibraries.Found f = NativeLibraries.find("cuDNN", NativeLibraries.CUDNN, Arena.global());
        if (!f.ok()) return f.problem();
        try {
            return new Cudnn(f, stream);
        } catch (Throwable t) {
            return "cuDNN at " + f.location() + " is unusable (" + t.getMessage() + ")";
        }
    }

    static int dataType(DType d) {
        return switch (d) { case F32 -> FLOAT; case F64 -> DOUBLE; case F16 -> HALF; case BF16 -> BFLOAT16; default -> -1; };
    }

    /** Whether cuDNN can run this convolution: one float dtype for all operands and symmetric padding. */
    static boolean supports(ConvParams p, DType... dts) {
        for (DType d : dts) if (d != dts[0] || dataType(d) < 0) return false;
        for (int i = 0; i < 3; i++) if (p.padBefore()[i] != p.padAfter()[i]) return false;
        return true;
    }

    enum Kind { FORWARD, BACKWARD_DATA, BACKWARD_FILTER }

    /**
     * Runs one convolution pass. Forward: (x, w) -> y; backward data: (w, dy) -> dx; backward filter: (x, dy) -> dw.
     * Shapes are NCDHW / OC,IC/g,KD,KH,KW; addresses point at element 0; workspace comes from alloc (bytes -> address)
     * and is handed back through free.
     */
    void run(Kind kind, DType dt, ConvParams p, int[] xs, int[] ws, int[] ys, long x, long w, long y,
             LongFunction<Long> alloc, java.util.function.LongConsumer free) {
        int t = dataType(dt);
        boolean half = dt == DType.BF16 || dt == DType.F16;
        try (Arena ar = Arena.ofConfined()) {
            long xd = tensorDesc(ar, t, xs), yd = tensorDesc(ar, t, ys), wd = filterDesc(ar, t, ws), cd = convDesc(ar, p, dt);
            try {
                check((int) setMath.invokeExact(cd, half ? TENSOR_OP_MATH : FMA_MATH), "cudnnSetConvolutionMathType");
                MemorySegment count = ar.allocate(I), perf = ar.allocate(PERF, PERF_COUNT);
                MethodHandle algoH = switch (kind) { case FORWARD -> fwdAlgo; case BACKWARD_DATA -> bdAlgo; case BACKWARD_FILTER -> bfAlgo; };
                long[] d = switch (kind) {
                    case FORWARD -> new long[] {xd, wd, cd, yd};
                    case BACKWARD_DATA -> new long[] {wd, yd, cd, xd};
                    case BACKWARD_FILTER -> new long[] {xd, yd, cd, wd};
                };
                check((int) algoH.invokeExact(handle, d[0], d[1], d[2], d[3], PERF_COUNT, count, perf), "cudnnGet*Algorithm_v7");
                int algo = -1;
                for (int i = 0; i < count.get(I, 0); i++) {
                    long base = i * PERF.byteSize();
                    int status = perf.get(I, base + 4), math = perf.get(I, base + 28);
                    if (status == 0 && (half || math == FMA_MATH || math == DEFAULT_MATH)) { algo = perf.get(I, base); break; }
                }
                if (algo < 0) throw new IllegalStateException("cuDNN has no algorithm for this " + kind + " convolution");
                MemorySegment wsBytes = ar.allocate(J);
                MethodHandle wsH = switch (kind) { case FORWARD -> fwdWs; case BACKWARD_DATA -> bdWs; case BACKWARD_FILTER -> bfWs; };
                check((int) wsH.invokeExact(handle, d[0], d[1], d[2], d[3], algo, wsBytes), "cudnnGet*WorkspaceSize");
                long wsSize = wsBytes.get(J, 0);
                long wsAddr = wsSize > 0 ? alloc.apply(wsSize) : 0L;
                try {
                    MemorySegment alpha = dt == DType.F64 ? ar.allocateFrom(ValueLayout.JAVA_DOUBLE, 1.0) : ar.allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
                    MemorySegment beta = dt == DType.F64 ? ar.allocateFrom(ValueLayout.JAVA_DOUBLE, 0.0) : ar.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
                    int st = switch (kind) {
                        case FORWARD -> (int) fwd.invokeExact(handle, alpha, xd, x, wd, w, cd, algo, wsAddr, wsSize, beta, yd, y);
                        case BACKWARD_DATA -> (int) bd.invokeExact(handle, alpha, wd, w, yd, y, cd, algo, wsAddr, wsSize, beta, xd, x);
                        case BACKWARD_FILTER -> (int) bf.invokeExact(handle, alpha, xd, x, yd, y, cd, algo, wsAddr, wsSize, beta, wd, w);
                    };
                    check(st, "cudnnConvolution " + kind);
                } finally {
                    if (wsAddr != 0) free.accept(wsAddr);
                }
            } finally {
                int ignored = (int) destroyTensor.invokeExact(xd);
                ignored = (int) destroyTensor.invokeExact(yd);
                ignored = (int) destroyFilter.invokeExact(wd);
                ignored = (int) destroyConv.invokeExact(cd);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cuDNN call failed: " + e.getMessage(), e);
        }
    }

    private long tensorDesc(Arena ar, int t, int[] shape) throws Throwable {
        MemorySegment p = ar.allocate(J);
        check((int) createTensor.invokeExact(p), "cudnnCreateTensorDescriptor");
        long d = p.get(J, 0);
        int[] strides = ssvae.tensor.Shape.contiguousStrides(shape);
        check((int) setTensorNd.invokeExact(d, t, shape.length, ar.allocateFrom(I, shape), ar.allocateFrom(I, strides)), "cudnnSetTensorNdDescriptor");
        return d;
    }

    private long filterDesc(Arena ar, int t, int[] shape) throws Throwable {
        MemorySegment p = ar.allocate(J);
        check((int) createFilter.invokeExact(p), "cudnnCreateFilterDescriptor");
        long d = p.get(J, 0);
        check((int) setFilterNd.invokeExact(d, t, NCHW, shape.length, ar.allocateFrom(I, shape)), "cudnnSetFilterNdDescriptor");
        return d;
    }

    private long convDesc(Arena ar, ConvParams p, DType dt) throws Throwable {
        MemorySegment s = ar.allocate(J);
        check((int) createConv.invokeExact(s), "cudnnCreateConvolutionDescriptor");
        long d = s.get(J, 0);
        int compute = dt == DType.F64 ? DOUBLE : FLOAT;
        check((int) setConvNd.invokeExact(d, 3, ar.allocateFrom(I, p.padBefore()), ar.allocateFrom(I, p.stride()),
                ar.allocateFrom(I, p.dilation()), CROSS_CORRELATION, compute), "cudnnSetConvolutionNdDescriptor");
        check((int) setGroups.invokeExact(d, p.groups()), "cudnnSetConvolutionGroupCount");
        return d;
    }
}
