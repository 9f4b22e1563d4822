package ssvae.kernels.cuda;

import ssvae.tensor.Backends;
import ssvae.tensor.BinaryOp;
import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.Tensor;

/** Run by CudaAvailabilityTest in a JVM whose class path lacks JCuda: prints the CUDA verdict and a CPU result. */
public final class NoJCudaMain {
    private NoJCudaMain() {}

    public static void main(String[] args) {
        var cuda = Backends.find(Device.Type.CUDA);
        System.out.println("available=" + cuda.isAvailable());
        System.out.println("reason=" + cuda.unavailableReason());
        Tensor a = Tensor.fromArray(new float[] {1, 2}, 2), out = Tensor.empty(DType.F32, Device.CPU, 2);
        Backends.get(Device.CPU).binary(BinaryOp.MUL, a, a, out);
        System.out.println("cpu=" + out.toFloatArray()[0] + "," + out.toFloatArray()[1]);
    }
}
