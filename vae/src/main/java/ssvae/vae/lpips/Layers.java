package ssvae.vae.lpips;

import ssvae.nn.Module;
import ssvae.tensor.F;
import ssvae.tensor.Tensor;

import java.util.function.UnaryOperator;

/** Small modules LPIPS needs: a sequential container with explicit child names, and parameter-free functions. */
final class Layers {
    private Layers() {}

    /** nn.Sequential whose children keep the names they had in the source (torchvision's features indices). */
    static final class Named extends Module {
        Named add(String name, Module m) {
            registerModule(name, m);
            return this;
        }

        @Override public Tensor forward(Tensor x) {
            for (Module m : children()) x = m.forward(x);
            return x;
        }
    }

    /** A parameter-free layer (ReLU, MaxPool2d, Dropout in eval). */
    static final class Fn extends Module {
        private final String name;
        private final UnaryOperator<Tensor> f;

        Fn(String name, UnaryOperator<Tensor> f) { this.name = name; this.f = f; }

        @Override public Tensor forward(Tensor x) { return f.apply(x); }
        @Override public String toString() { return name; }
    }

    static Fn relu() { return new Fn("ReLU", Tensor::relu); }
    static Fn maxPool() { return new Fn("MaxPool2d(2, 2)", x -> F.maxPool2d(x, 2, 2, 0, false)); }
    /** LPIPS runs in eval mode, where nn.Dropout is the identity. */
    static Fn dropoutEval() { return new Fn("Dropout(eval)", x -> x); }
}
