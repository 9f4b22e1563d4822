package ssvae.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The nvcc build (profile "nvcc" in kernels/pom.xml): every src-cu/*.cu is a class-path resource cuda/NAME.fatbin
 * holding sm_80 and sm_90 cubins plus compute_90 PTX. Skipped where the build had no nvcc.
 */
class KernelBuildTest {
    static final int FATBIN_MAGIC = 0xBA55ED50, KIND_PTX = 1, KIND_ELF = 2;

    private static boolean nvccPresent() {
        String skip = System.getProperty("ssvae.skipNvcc");
        if (skip != null && !skip.isBlank() && !skip.startsWith("${") && !skip.equals("false")) return false;  // -Dssvae.skipNvcc
        if (System.getProperty("nvcc") != null || Files.isExecutable(Path.of("/usr/local/cuda/bin/nvcc"))) return true;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":"))
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nvcc"))) return true;
        return false;
    }

    /** (kind, arch) of each entry of a fatbin container. */
    static List<int[]> entries(byte[] fatbin) {
        ByteBuffer b = ByteBuffer.wrap(fatbin).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(FATBIN_MAGIC, b.getInt(0), "fatbin magic");
        int headerSize = b.getShort(6) & 0xffff;
        long end = headerSize + b.getLong(8);
        List<int[]> out = new ArrayList<>();
        for (long p = headerSize; p < end; ) {
            int kind = b.getShort((int) p) & 0xffff;
            int eh = b.getInt((int) p + 4);
            long payload = b.getLong((int) p + 8);
            out.add(new int[] {kind, b.getInt((int) p + 28)});
            p += eh + payload;
        }
        return out;
    }

    @Test void missingKernelResourcesAreReportedInOneLine() {
        String all = CudaRuntime.kernelsProblem(name -> null);
        assertTrue(all.startsWith("the CUDA kernels were not built (nvcc was not found"), all);
        assertTrue(all.contains("cuda/elementwise.fatbin") && all.contains("cuda/fused.fatbin") && !all.contains("\n"), all);
        String one = CudaRuntime.kernelsProblem(name -> name.contains("gemm") ? null : KernelBuildTest.class.getResource("/"));
        assertTrue(one.endsWith("missing cuda/gemm.fatbin)"), one);
        assertEquals(null, CudaRuntime.kernelsProblem(name -> KernelBuildTest.class.getResource("/")));
    }

    @Test void everyKernelFamilyIsAFatbinWithCubinsAndPtx() throws Exception {
        Assumptions.assumeTrue(nvccPresent(), "no nvcc on this machine (or -Dssvae.skipNvcc): the CUDA kernels are not built");
        for (String m : CudaRuntime.MODULES) {
            byte[] bytes;
            try (InputStream in = getClass().getResourceAsStream("/cuda/" + m + ".fatbin")) {
                assertNotNull(in, "missing resource cuda/" + m + ".fatbin");
                bytes = in.readAllBytes();
            }
            List<int[]> e = entries(bytes);
            List<String> got = e.stream().map(x -> (x[0] == KIND_PTX ? "ptx" : x[0] == KIND_ELF ? "sm" : "?") + x[1]).sorted().toList();
            assertEquals(List.of("ptx90", "sm80", "sm90"), got, m);
        }
    }

    @Test void kernelEntryPointsArePresentInTheCubins() throws Exception {
        Assumptions.assumeTrue(nvccPresent(), "no nvcc on this machine (or -Dssvae.skipNvcc): the CUDA kernels are not built");
        String[][] expect = {
            {"elementwise", "ew_copy", "ew_fill", "ew_unary", "ew_binary", "ew_where"},
            {"reduce", "reduce_dims", "arg_reduce", "loss_kl_sum", "loss_l1_sum"},
            {"gemm", "matmul_simt_f32", "matmul_simt_f64", "matmul_wmma_bf16", "matmul_wmma_f16", "conv_fwd_wmma_bf16",
                "conv_bwd_input_simt_f32", "conv_bwd_weight_wmma_f16"},
            {"softmax", "softmax_rows", "softmax_cols", "softmax_backward_rows", "softmax_backward_cols"},
            {"normalize", "normalize_rows", "normalize_cols", "normalize_backward_rows", "normalize_backward_cols"},
            {"interpolate", "interpolate_fwd", "interpolate_bwd"},
            {"pool", "maxpool_fwd", "maxpool_bwd"},
            {"index", "index_ops"},
            {"random", "random_fill", "philox_blocks"},
            {"optim", "adam_step", "ema_update"},
            {"fused", "lcr_forward", "lcr_backward", "lmr_apply", "lmr_backward"}};
        for (String[] e : expect) {
            String text;
            try (InputStream in = getClass().getResourceAsStream("/cuda/" + e[0] + ".fatbin")) {
                text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            for (int i = 1; i < e.length; i++) assertTrue(text.contains(e[i] + "\0"), e[0] + ".fatbin lacks " + e[i]);
        }
    }
}
