package ssvae.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;
import ssvae.tensor.Tensor;

/** Launch-shape math, struct packing and the geometry handed to the kernels (all host-side, no GPU needed). */
class LaunchAndGeometryTest {
    private static int[] ints(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[b.length / 4];
        for (int i = 0; i < out.length; i++) out[i] = bb.getInt();
        return out;
    }

    private static Tensor cpu(int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return new Tensor(new CpuStorage(DType.F32, n), shape, ssvae.tensor.Shape.contiguousStrides(shape), 0);
    }

    @Test void gridStrideBlocks() {
        assertEquals(0, LaunchConfig.blocks(0));
        assertEquals(1, LaunchConfig.blocks(1));
        assertEquals(1, LaunchConfig.blocks(256));
        assertEquals(2, LaunchConfig.blocks(257));
        assertEquals(LaunchConfig.MAX_BLOCKS, LaunchConfig.blocks(Integer.MAX_VALUE));
        assertEquals(4, LaunchConfig.blocks(500, 128));
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.blocks(-1));
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.blocks(10, 0));
    }

    @Test void reduceThreadsArePowersOfTwoIn32To1024() {
        assertEquals(32, LaunchConfig.reduceThreads(0));
        assertEquals(32, LaunchConfig.reduceThreads(1));
        assertEquals(32, LaunchConfig.reduceThreads(32));
        assertEquals(64, LaunchConfig.reduceThreads(33));
        assertEquals(1024, LaunchConfig.reduceThreads(1000));
        assertEquals(1024, LaunchConfig.reduceThreads(1 << 30));
    }

    @Test void gemmGridTilesNOnXAndMOnY() {
        assertArrayEquals(new int[] {1, 1, 1}, LaunchConfig.gemmGrid(1, 1, 1));
        assertArrayEquals(new int[] {2, 3, 5}, LaunchConfig.gemmGrid(129, 65, 5));
        assertArrayEquals(new int[] {0, 1, 1}, LaunchConfig.gemmGrid(7, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.gemmGrid(64 * 70000, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.gemmGrid(-1, 1, 1));
    }

    @Test void structsFollowCAlignment() {
        byte[] b = new Struct().i32(7).f64(2.5).i32(3).bytes();  // int, pad, double, int, pad -> 24 bytes
        assertEquals(24, b.length);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(7, bb.getInt(0));
        assertEquals(2.5, bb.getDouble(8));
        assertEquals(3, bb.getInt(16));
        assertEquals(12, new Struct().i32(1).f32(2f).i32(3).bytes().length);
        assertEquals(32, new Struct().i32(new int[] {1, 2}, 8).bytes().length);
        // NormArgs: 6 ints then a double at offset 24
        assertEquals(32, new Struct().i32(0).i32(1).i32(2).i32(3).i32(4).i32(5).f64(1e-5).bytes().length);
    }

    @Test void elementwiseGeometryCoalescesContiguousDims() {
        Tensor a = cpu(2, 3, 4), out = cpu(2, 3, 4);
        int[] g = ints(Geometry.elementwise(out.shape(), a, out));
        assertEquals(2 + 8 + 32 + 4, g.length);
        assertEquals(1, g[0]);      // one dim after merging
        assertEquals(24, g[1]);     // numel
        assertEquals(24, g[2]);     // shape[0]
        assertEquals(1, g[10]);     // stride[0][0]
        assertEquals(1, g[18]);     // stride[1][0]
    }

    @Test void elementwiseGeometryKeepsBroadcastAndTransposedStrides() {
        Tensor base = cpu(3, 4);
        Tensor t = new Tensor(base.storage(), new int[] {4, 3}, new int[] {1, 4}, 0);           // transposed
        Tensor bc = new Tensor(cpu(3).storage(), new int[] {4, 3}, new int[] {0, 1}, 0);        // expanded row
        Tensor out = cpu(4, 3);
        int[] g = ints(Geometry.elementwise(out.shape(), t, bc, out));
        assertEquals(2, g[0]);
        assertEquals(12, g[1]);
        assertArrayEquals(new int[] {4, 3}, new int[] {g[2], g[3]});
        assertArrayEquals(new int[] {1, 4}, new int[] {g[10], g[11]});      // operand 0
        assertArrayEquals(new int[] {0, 1}, new int[] {g[18], g[19]});      // operand 1
        assertArrayEquals(new int[] {3, 1}, new int[] {g[26], g[27]});      // operand 2
    }

    @Test void elementwiseGeometryRejectsTooManyDimsAndOperands() {
        int[] shape = {2, 2, 2, 2, 2, 2, 2, 2, 2};
        int[] strides = {6561, 2187, 729, 243, 81, 27, 9, 3, 1};  // 3^k: no two dims merge
        Tensor x = new Tensor(new CpuStorage(DType.F32, 9842), shape, strides, 0);
        Tensor out = new Tensor(new CpuStorage(DType.F32, 512), shape, ssvae.tensor.Shape.contiguousStrides(shape), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Geometry.elementwise(shape, x, out));
        assertTrue(e.getMessage().contains("at most 8"), e.getMessage());
        Tensor s = cpu(2);
        assertThrows(IllegalArgumentException.class, () -> Geometry.elementwise(s.shape(), s, s, s, s, s));
    }

    @Test void reductionSplitsKeptAndReducedDims() {
        Tensor x = cpu(2, 3, 4), out = cpu(2, 1, 4);
        Geometry.Reduction r = Geometry.reduction(x, out);
        assertArrayEquals(new int[] {2, 4}, r.kShape());
        assertArrayEquals(new int[] {12, 1}, r.kxStride());
        assertArrayEquals(new int[] {4, 1}, r.koStride());
        assertArrayEquals(new int[] {3}, r.rShape());
        assertArrayEquals(new int[] {4}, r.rxStride());
        assertEquals(8, r.nOut());
        assertEquals(3, r.nRed());
        int[] g = ints(Geometry.reduceStruct(r, 5, 6));
        assertEquals(4 + 5 * 8 + 2, g.length);
        assertEquals(5, g[g.length - 2]);
        Geometry.Reduction empty = Geometry.reduction(cpu(2, 0), cpu(2, 1));
        assertEquals(2, empty.nOut());
        assertEquals(0, empty.nRed());
        assertThrows(IllegalArgumentException.class, () -> Geometry.reduction(x, cpu(2, 2, 4)));
        assertThrows(IllegalArgumentException.class, () -> Geometry.reduction(x, cpu(2, 4)));
    }

    @Test void cublasOperandMappingAndRejections() {
        assertEquals(new Cublas.Operand(Cublas.OP_N, 5), Cublas.operand(3, 5, 5, 1));  // row-major
        assertEquals(new Cublas.Operand(Cublas.OP_T, 3), Cublas.operand(3, 5, 1, 3));  // transposed view
        assertEquals(new Cublas.Operand(Cublas.OP_N, 8), Cublas.operand(3, 5, 8, 1));  // padded rows
        assertEquals(new Cublas.Operand(Cublas.OP_N, 5), Cublas.operand(1, 5, 0, 1));  // single row, any row stride
        assertNull(Cublas.operand(3, 5, 10, 2));                                      // no unit stride
        assertNull(Cublas.operand(3, 5, 4, 1));                                       // overlapping rows
        assertEquals(-1, Cublas.dataType(DType.I64));
        assertEquals(Cublas.CUDA_R_16BF, Cublas.dataType(DType.BF16));
    }

    @Test void cudnnTakesOneFloatDtypeAndSymmetricPaddingOnly() {
        ssvae.tensor.ConvParams sym = ssvae.tensor.ConvParams.simple(1, 1);
        ssvae.tensor.ConvParams causal = new ssvae.tensor.ConvParams(new int[] {1, 1, 1}, new int[] {2, 1, 1}, new int[] {0, 1, 1},
                new int[] {1, 1, 1}, 1);
        assertTrue(Cudnn.supports(sym, DType.BF16, DType.BF16, DType.BF16));
        assertTrue(!Cudnn.supports(causal, DType.F32, DType.F32, DType.F32));
        assertTrue(!Cudnn.supports(sym, DType.F32, DType.BF16, DType.F32));
        assertTrue(!Cudnn.supports(sym, DType.I32, DType.I32, DType.I32));
        assertEquals(48, Cudnn.PERF.byteSize());  // sizeof(cudnnConvolutionFwdAlgoPerf_t)
    }

    @Test void kernelChoiceParsing() {
        assertEquals(GpuKernels.AUTO, GpuKernels.parse(null));
        assertEquals(GpuKernels.AUTO, GpuKernels.parse(" "));
        assertEquals(GpuKernels.OWN, GpuKernels.parse("own"));
        assertEquals(GpuKernels.VENDOR, GpuKernels.parse("Vendor"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpuKernels.parse("cudnn"));
        assertTrue(e.getMessage().contains("ssvae.gpu.kernels"), e.getMessage());
    }

    @Test void tileEngineFollowsDtypes() {
        assertEquals(CudaBackend.Variant.WMMA_BF16, CudaBackend.Variant.of(DType.BF16, DType.BF16));
        assertEquals(CudaBackend.Variant.WMMA_F16, CudaBackend.Variant.of(DType.F16, DType.F16));
        assertEquals(CudaBackend.Variant.SIMT_F64, CudaBackend.Variant.of(DType.F64, DType.F32));
        assertEquals(CudaBackend.Variant.SIMT_F32, CudaBackend.Variant.of(DType.BF16, DType.F32));
        assertEquals(CudaBackend.Variant.SIMT_F32, CudaBackend.Variant.of(DType.F32, DType.F32));
    }
}
