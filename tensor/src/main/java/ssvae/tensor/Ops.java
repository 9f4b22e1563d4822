package ssvae.tensor;

import java.util.ServiceLoader;

/** Locates the {@link TensorOps} implementation (the autograd module) once. */
public final class Ops {
    private static volatile TensorOps instance;

    private Ops() {}

    public static TensorOps get() {
        TensorOps t = instance;
        if (t == null) {
            synchronized (Ops.class) {
                if (instance == null) {
                    instance = ServiceLoader.load(TensorOps.class).findFirst().orElseThrow(() -> new IllegalStateException(
                            "no TensorOps implementation on the class path: add the ssvae-autograd module"));
                }
                t = instance;
            }
        }
        return t;
    }
}
