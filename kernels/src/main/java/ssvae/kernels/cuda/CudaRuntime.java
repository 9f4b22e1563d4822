package ssvae.kernels.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * The JCuda driver-API side of the CUDA backend: probes once per JVM (driver present, a device, kernels built,
 * driver new enough for their PTX), then owns the primary context, one stream, the loaded kernel modules, the
 * caching allocator and a pinned staging buffer for host transfers. When the probe fails, {@link #reason()} holds one
 * line and nothing else is touched, so the CPU backend keeps working in the same JVM.
 */
final class CudaRuntime {
    /** Kernel modules: src-cu/NAME.cu compiled to the class-path resource cuda/NAME.fatbin. */
    static final List<String> MODULES = List.of("elementwise", "reduce", "gemm", "softmax", "normalize", "interpolate",
            "pool", "index", "random", "optim", "fused");

    static final String DEVICE_PROPERTY = "ssvae.cuda.device";

    private static volatile Object probe;  // CudaRuntime or String (the reason)

    final int ordinal;
    final String deviceName;
    final int ccMajor, ccMinor, driverVersion;
    final CachingAllocator allocator;
    final JCudaMemory memory;
    final DevPtr.Stream stream = new DevPtr.Stream();
    private final CUcontext context = new CUcontext();
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, CUfunction> functions = new ConcurrentHashMap<>();
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private Pointer pinned;
    private ByteBuffer pinnedBuf;
    private long pinnedBytes;

    private CudaRuntime(int ordinal, CUdevice dev) {
        this.ordinal = ordinal;
        byte[] name = new byte[256];
        JCudaDriver.cuDeviceGetName(name, name.length, dev);
        int len = 0;
        while (len < name.length && name[len] != 0) len++;
        this.deviceName = new String(name, 0, len);
        int[] v = new int[1];
        JCudaDriver.cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
        this.ccMajor = v[0];
        JCudaDriver.cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
        this.ccMinor = v[0];
        JCudaDriver.cuDriverGetVersion(v);
        this.driverVersion = v[0];
        JCudaDriver.cuDevicePrimaryCtxRetain(context, dev);
        makeCurrent();
        JCudaDriver.cuStreamCreate(stream, 0);
        this.memory = new JCudaMemory(this);
        this.allocator = new CachingAllocator(memory);
    }

    /** The runtime, or null when CUDA cannot be used here (see {@link #reason()}). */
    static CudaRuntime get() {
        Object p = probe;
        if (p == null) {
            synchronized (CudaRuntime.class) {
                if (probe == null) probe = doProbe();
                p = probe;
            }
        }
        return p instanceof CudaRuntime rt ? rt : null;
    }

    /** Why {@link #get()} is null ("" when CUDA is usable). */
    static String reason() {
        get();
        return probe instanceof String s ? s : "";
    }

    private static Object doProbe() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            JCudaDriver.cuInit(0);
        } catch (LinkageError e) {
            return "no CUDA driver (" + rootMessage(e) + ")";
        } catch (CudaException e) {
            return "the CUDA driver did not initialise (" + e.getMessage() + ")";
        }
        try {
            int[] count = new int[1];
            JCudaDriver.cuDeviceGetCount(count);
            if (count[0] == 0) return "no CUDA device";
            int ordinal = Integer.getInteger(DEVICE_PROPERTY, 0);
            if (ordinal < 0 || ordinal >= count[0])
                return DEVICE_PROPERTY + "=" + ordinal + " but only " + count[0] + " CUDA device(s) are present";
            String kernels = kernelsProblem(CudaRuntime.class::getResource);
            if (kernels != null) return kernels;
            CUdevice dev = new CUdevice();
            JCudaDriver.cuDeviceGet(dev, ordinal);
            CudaRuntime rt = new CudaRuntime(ordinal, dev);
            if (rt.ccMajor < 8)
                return "CUDA device " + rt.deviceName + " has compute capability " + rt.ccMajor + "." + rt.ccMinor
                        + "; the kernels need 8.0 or newer";
            String err = rt.loadModules();
            return err != null ? err : rt;
        } catch (CudaException e) {
            return "CUDA initialisation failed (" + e.getMessage() + ")";
        }
    }

    /** Why the kernel resources cannot be used (some cuda/NAME.fatbin missing), or null when all are present. */
    static String kernelsProblem(java.util.function.Function<String, java.net.URL> resources) {
        List<String> missing = new ArrayList<>();
        for (String m : MODULES) if (resources.apply("/cuda/" + m + ".fatbin") == null) missing.add(m);
        if (missing.isEmpty()) return null;
        return "the CUDA kernels were not built (nvcc was not found when ssvae-kernels was built; missing cuda/"
                + String.join(".fatbin, cuda/", missing) + ".fatbin)";
    }

    private String loadModules() {
        for (String m : MODULES) {
            byte[] image;
            try (InputStream in = CudaRuntime.class.getResourceAsStream("/cuda/" + m + ".fatbin")) {
                image = in.readAllBytes();
            } catch (IOException e) {
                return "cannot read kernel resource cuda/" + m + ".fatbin (" + e.getMessage() + ")";
            }
            CUmodule mod = new CUmodule();
            try {
                JCudaDriver.cuModuleLoadData(mod, image);
            } catch (CudaException e) {
                String msg = e.getMessage() == null ? "" : e.getMessage();
                if (msg.contains("PTX") || msg.contains("NO_BINARY_FOR_GPU"))
                    return "the CUDA driver (" + (driverVersion / 1000) + "." + (driverVersion % 1000 / 10)
                            + ") is too old for the kernels: their PTX needs a CUDA 13 driver (R580 or newer) [" + msg + "]";
                return "cannot load kernel module cuda/" + m + ".fatbin (" + msg + ")";
            }
            modules.put(m, mod);
        }
        return null;
    }

    /**
     * The informative part of a native-load failure: JCuda's message spans many lines; the line naming the shared
     * object that could not be opened (usually libcuda.so.1) is the one a user needs.
     */
    static String rootMessage(Throwable t) {
        java.util.regex.Pattern so = java.util.regex.Pattern.compile("([\\w.+-]+\\.so[\\w.]*): cannot open shared object file.*");
        for (Throwable r = t; r != null; r = r.getCause() == r ? null : r.getCause()) {
            String m = r.getMessage();
            if (m == null) continue;
            java.util.regex.Matcher mt = so.matcher(m);
            if (mt.find()) return mt.group(0).trim();
        }
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) r = r.getCause();
        String m = r.getMessage();
        return m == null ? r.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    /** Makes the context current on this thread (once per thread). */
    void makeCurrent() {
        if (!current.get()) {
            JCudaDriver.cuCtxSetCurrent(context);
            current.set(Boolean.TRUE);
        }
    }

    CUfunction function(String module, String name) {
        return functions.computeIfAbsent(module + "/" + name, k -> {
            CUmodule mod = modules.get(module);
            if (mod == null) throw new IllegalStateException("kernel module " + module + " is not loaded");
            CUfunction f = new CUfunction();
            JCudaDriver.cuModuleGetFunction(f, mod, name);
            return f;
        });
    }

    /**
     * Launches module/name on the stream. Arguments: Long = 64-bit value or device address, Integer, Double, Float,
     * byte[] = a by-value struct (see {@link Struct}).
     */
    void launch(String module, String name, int gx, int gy, int gz, int threads, int sharedBytes, Object... args) {
        if (gx == 0 || gy == 0 || gz == 0) return;
        makeCurrent();
        Pointer[] ps = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            ps[i] = switch (a) {
                case Long l -> Pointer.to(new long[] {l});
                case Integer n -> Pointer.to(new int[] {n});
                case Double d -> Pointer.to(new double[] {d});
                case Float f -> Pointer.to(new float[] {f});
                case byte[] b -> Pointer.to(b);
                default -> throw new IllegalArgumentException("unsupported kernel argument " + a.getClass().getSimpleName());
            };
        }
        JCudaDriver.cuLaunchKernel(function(module, name), gx, gy, gz, threads, 1, 1, sharedBytes, stream, Pointer.to(ps), null);
    }

    void launch1d(String module, String name, long n, Object... args) {
        launch(module, name, LaunchConfig.blocks(n), 1, 1, LaunchConfig.THREADS, 0, args);
    }

    void synchronize() {
        makeCurrent();
        JCudaDriver.cuStreamSynchronize(stream);
    }

    /** The CUstream handle for cuBLAS / cuDNN. */
    long streamHandle() { return stream.handle(); }

    /** A JCuda pointer to a device address inside a live allocation (the allocation's base pointer + offset). */
    private CUdeviceptr pointer(long address) {
        long base = memory.baseOf(address);
        return memory.pointer(base).withByteOffset(address - base);
    }

    void copyDeviceAsync(long dst, long src, long bytes) {
        makeCurrent();
        JCudaDriver.cuMemcpyDtoDAsync(pointer(dst), pointer(src), bytes, stream);
    }

    /** A pinned host staging buffer of at least bytes (grown on demand; callers hold the runtime's lock). */
    private ByteBuffer pinned(long bytes) {
        if (pinnedBytes < bytes) {
            if (pinned != null) JCudaDriver.cuMemFreeHost(pinned);
            long size = Math.max(bytes, 1L << 20);
            pinned = new Pointer();
            JCudaDriver.cuMemAllocHost(pinned, size);
            pinnedBytes = size;
            pinnedBuf = pinned.getByteBuffer(0, size).order(ByteOrder.nativeOrder());
        }
        pinnedBuf.clear();
        return pinnedBuf;
    }

    static final long STAGING_CHUNK = 64L << 20;

    /** Host array range -> device, through the pinned staging buffer in chunks of at most 64 MiB. */
    synchronized void upload(Object array, int from, int count, int elemBytes, long dstAddress) {
        CUdeviceptr dst = pointer(dstAddress);
        makeCurrent();
        int per = (int) (STAGING_CHUNK / elemBytes);
        for (int done = 0; done < count; done += per) {
            int n = Math.min(per, count - done);
            ByteBuffer b = pinned((long) n * elemBytes);
            switch (array) {
                case float[] a -> b.asFloatBuffer().put(a, from + done, n);
                case double[] a -> b.asDoubleBuffer().put(a, from + done, n);
                case short[] a -> b.asShortBuffer().put(a, from + done, n);
                case long[] a -> b.asLongBuffer().put(a, from + done, n);
                case int[] a -> b.asIntBuffer().put(a, from + done, n);
                case byte[] a -> b.put(a, from + done, n);
                default -> throw new IllegalArgumentException("unsupported host array " + array.getClass());
            }
            JCudaDriver.cuMemcpyHtoDAsync(dst.withByteOffset((long) done * elemBytes), pinned, (long) n * elemBytes, stream);
            JCudaDriver.cuStreamSynchronize(stream);
        }
    }

    /** Device -> host array range, through the pinned staging buffer. */
    synchronized void download(long srcAddress, Object array, int from, int count, int elemBytes) {
        CUdeviceptr src = pointer(srcAddress);
        makeCurrent();
        int per = (int) (STAGING_CHUNK / elemBytes);
        for (int done = 0; done < count; done += per) {
            int n = Math.min(per, count - done);
            ByteBuffer b = pinned((long) n * elemBytes);
            JCudaDriver.cuMemcpyDtoHAsync(pinned, src.withByteOffset((long) done * elemBytes), (long) n * elemBytes, stream);
            JCudaDriver.cuStreamSynchronize(stream);
            switch (array) {
                case float[] a -> b.asFloatBuffer().get(a, from + done, n);
                case double[] a -> b.asDoubleBuffer().get(a, from + done, n);
                case short[] a -> b.asShortBuffer().get(a, from + done, n);
                case long[] a -> b.asLongBuffer().get(a, from + done, n);
                case int[] a -> b.asIntBuffer().get(a, from + done, n);
                case byte[] a -> b.get(a, from + done, n);
                default -> throw new IllegalArgumentException("unsupported host array " + array.getClass());
            }
        }
    }

    /** Milliseconds of GPU time spent by work, measured with CUDA events on the stream. */
    float time(Runnable work) {
        makeCurrent();
        CUevent a = new CUevent(), b = new CUevent();
        JCudaDriver.cuEventCreate(a, 0);
        JCudaDriver.cuEventCreate(b, 0);
        JCudaDriver.cuEventRecord(a, stream);
        work.run();
        JCudaDriver.cuEventRecord(b, stream);
        JCudaDriver.cuEventSynchronize(b);
        float[] ms = new float[1];
        JCudaDriver.cuEventElapsedTime(ms, a, b);
        JCudaDriver.cuEventDestroy(a);
        JCudaDriver.cuEventDestroy(b);
        return ms[0];
    }

    static String errorName(int code) { return CUresult.stringFor(code); }
}
