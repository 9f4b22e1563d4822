package ssvae.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import ssvae.tensor.Backend;
import ssvae.tensor.Backends;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Tensor;

/** Without a usable GPU the CUDA backend says why in one line, and the CPU backend keeps working in the same JVM. */
class CudaAvailabilityTest {
    @Test void cudaIsRegisteredThroughServiceLoader() {
        Backend b = Backends.find(Device.Type.CUDA);
        assertInstanceOf(CudaBackend.class, b);
        assertEquals("cuda", b.name());
        assertInstanceOf(ssvae.kernels.cpu.CpuBackend.class, Backends.find(Device.Type.CPU));
    }

    @Test void aClassPathWithoutJCudaStillLoadsTheCpuBackend() throws Exception {
        String cp = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.contains("jcuda")).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        String javaExe = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaExe, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", cp, NoJCudaMain.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("reason=JCuda is not on the class path"), out);
        assertTrue(out.contains("cpu=1.0,4.0"), out);
    }

    @Test void unavailableIsOneClearLineAndCpuStillWorks() {
        CudaBackend cuda = new CudaBackend();
        Assumptions.assumeFalse(cuda.isAvailable(), "a CUDA device is present: " + cuda.describe());
        String reason = cuda.unavailableReason();
        assertFalse(reason.isBlank());
        assertFalse(reason.contains("\n"), reason);
        assertTrue(reason.startsWith("no CUDA driver") || reason.startsWith("no CUDA device") || reason.contains("kernels")
                || reason.contains("driver"), reason);
        assertEquals(reason, cuda.unavailableReason());  // probed once, same answer
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.get(Device.cuda(0)));
        assertEquals("device cuda:0 is not available: " + reason, e.getMessage());
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> cuda.memoryStats());
        assertTrue(e2.getMessage().startsWith("CUDA is not available: "), e2.getMessage());
        assertTrue(cuda.describe().startsWith("cuda: unavailable ("), cuda.describe());
        cuda.synchronize();  // harmless no-op without a device

        Tensor a = Tensor.fromArray(new float[] {1, 2, 3}, 3), b = Tensor.fromArray(new float[] {10, 20, 30}, 3);
        Tensor out = Tensor.empty(DType.F32, Device.CPU, 3);
        Backends.get(Device.CPU).binary(ssvae.tensor.BinaryOp.ADD, a, b, out);
        assertArrayEquals(new float[] {11, 22, 33}, out.toFloatArray());
    }
}
