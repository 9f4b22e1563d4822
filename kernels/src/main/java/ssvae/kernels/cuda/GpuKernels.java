package ssvae.kernels.cuda;

import java.util.Locale;

/**
 * Which implementation serves GEMM and convolution on the GPU (system property {@value #PROPERTY}, set by the CLI's
 * --gpu-kernels): OWN = our src-cu kernels only; VENDOR = cuBLAS / cuDNN (an error when a library is missing);
 * AUTO (default) = the vendor library where it loaded and accepts the layout, our kernels otherwise.
 */
public enum GpuKernels {
    OWN, VENDOR, AUTO;

    public static final String PROPERTY = "ssvae.gpu.kernels";

    public static GpuKernels parse(String s) {
        if (s == null || s.isBlank()) return AUTO;
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "own" -> OWN;
            case "vendor" -> VENDOR;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException("unknown GPU kernel choice '" + s + "' for " + PROPERTY + " (expected own, vendor or auto)");
        };
    }

    public static GpuKernels fromSystem() { return parse(System.getProperty(PROPERTY)); }
}
