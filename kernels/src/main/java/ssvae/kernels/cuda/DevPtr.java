package ssvae.kernels.cuda;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/** JCuda handles whose raw addresses are needed as kernel arguments and for java.lang.foreign calls. */
final class DevPtr extends CUdeviceptr {
    /** The device address (native pointer + byte offset). */
    long address() { return getNativePointer() + getByteOffset(); }

    /** A stream whose CUstream handle can be handed to cuBLAS / cuDNN. */
    static final class Stream extends CUstream {
        long handle() { return getNativePointer(); }
    }
}
