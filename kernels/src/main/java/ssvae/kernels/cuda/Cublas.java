package ssvae.kernels.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import ssvae.tensor.DType;

/**
 * cuBLAS through java.lang.foreign (JCublas needs libcublas.so.12 symbols; CUDA 13 ships .13): one handle bound to
 * the backend's stream, and cublasGemmStridedBatchedEx for batched GEMM with F32 / F64 compute.
 * Row-major C[M,N] = A[M,K] B[K,N] is issued as column-major C^T = B^T A^T.
 */
final class Cublas {
    static final int CUDA_R_32F = 0, CUDA_R_64F = 1, CUDA_R_16F = 2, CUDA_R_16BF = 14;
    static final int COMPUTE_32F = 68, COMPUTE_64F = 70, OP_N = 0, OP_T = 1, GEMM_DEFAULT = -1;

    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong J = ValueLayout.JAVA_LONG;
    private static final ValueLayout A = ValueLayout.ADDRESS;

    private final MethodHandle gemm;
    private final long handle;
    final String location;

    private Cublas(NativeLibraries.Found lib, long stream) throws Throwable {
        Linker l = Linker.nativeLinker();
        MethodHandle create = l.downcallHandle(sym(lib, "cublasCreate_v2"), FunctionDescriptor.of(I, A));
        MethodHandle setStream = l.downcallHandle(sym(lib, "cublasSetStream_v2"), FunctionDescriptor.of(I, J, J));
        this.gemm = l.downcallHandle(sym(lib, "cublasGemmStridedBatchedEx"), FunctionDescriptor.of(I,
                J, I, I, I, I, I, A, J, I, I, J, J, I, I, J, A, J, I, I, J, I, I, I));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(J);
            check((int) create.invokeExact(h), "cublasCreate");
            this.handle = h.get(J, 0);
        }
        check((int) setStream.invokeExact(handle, stream), "cublasSetStream");
        this.location = lib.location();
    }

    private static MemorySegment sym(NativeLibraries.Found lib, String name) {
        return lib.lookup().find(name).orElseThrow(() -> new IllegalStateException(lib.location() + " has no symbol " + name));
    }

    private static void check(int status, String what) {
        if (status != 0) throw new IllegalStateException(what + " failed with cuBLAS status " + status);
    }

    /** Loads cuBLAS and binds it to stream; the message explains a failure. */
    static Object load(long stream) {
        NativeLibraries.Found f = NativeLibraries.find("cuBLAS", NativeLibraries.CUBLAS, Arena.global());
        if (!f.ok()) return f.problem();
        try {
            return new Cublas(f, stream);
        } catch (Throwable t) {
            return "cuBLAS at " + f.location() + " is unusable (" + t.getMessage() + ")";
        }
    }

    static int dataType(DType d) {
        return switch (d) {
            case F32 -> CUDA_R_32F; case F64 -> CUDA_R_64F; case F16 -> CUDA_R_16F; case BF16 -> CUDA_R_16BF;
            default -> -1;
        };
    }

    /** A row-major rows x cols view (strides sRow, sCol) as a column-major operand: transpose flag and ld, or null. */
    record Operand(int op, int ld) {}

    static Operand operand(int rows, int cols, int sRow, int sCol) {
        if (cols == 1) sCol = 1;
        if (rows == 1 && sCol == 1) sRow = Math.max(cols, 1);
        if (sCol == 1 && sRow >= Math.max(cols, 1)) return new Operand(OP_N, sRow);
        if (rows == 1) sRow = 1;
        if (sRow == 1 && sCol >= Math.max(rows, 1)) return new Operand(OP_T, sCol);
        return null;
    }

    /**
     * C[b] = A[b] B[b] (row-major views with the given strides, element addresses of [0,0,0]); false when the layout
     * is not expressible in cuBLAS (the caller then uses its own kernel).
     */
    boolean gemm(DType dt, int batch, int m, int n, int k,
                 long a, int asb, int asm, int ask, long b, int bsb, int bsk, int bsn, long c, int csb, int csm, int csn) {
        int t = dataType(dt);
        if (t < 0) return false;
        Operand opB = operand(k, n, bsk, bsn), opA = operand(m, k, asm, ask), opC = operand(m, n, csm, csn);
        if (opA == null || opB == null || opC == null || opC.op() != OP_N || (batch > 1 && csb == 0)) return false;
        boolean f64 = dt == DType.F64;
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment alpha = f64 ? ar.allocateFrom(ValueLayout.JAVA_DOUBLE, 1.0) : ar.allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
            MemorySegment beta = f64 ? ar.allocateFrom(ValueLayout.JAVA_DOUBLE, 0.0) : ar.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
            int st = (int) gemm.invokeExact(handle, opB.op(), opA.op(), n, m, k, alpha,
                    b, t, opB.ld(), (long) bsb, a, t, opA.ld(), (long) asb, beta, c, t, opC.ld(), (long) csb, batch,
                    f64 ? COMPUTE_64F : COMPUTE_32F, GEMM_DEFAULT);
            check(st, "cublasGemmStridedBatchedEx");
            return true;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cuBLAS call failed: " + e.getMessage(), e);
        }
    }
}
