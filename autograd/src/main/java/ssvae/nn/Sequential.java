package ssvae.nn;

import ssvae.tensor.Tensor;

import java.util.List;

/** nn.Sequential: children named "0", "1", ... applied in order. */
public final class Sequential extends Module {
    private int count;

    public Sequential(Module... modules) { for (Module m : modules) add(m); }

    public Sequential(List<? extends Module> modules) { for (Module m : modules) add(m); }

    /** Appends a module under the next index; returns this. */
    public Sequential add(Module m) {
        registerModule(Integer.toString(count++), m);
        return this;
    }

    public Module get(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("Sequential index " + i + " out of range for size " + count);
        return child(Integer.toString(i));
    }

    public int size() { return count; }

    @Override public Tensor forward(Tensor x) {
        for (Module m : children()) x = m.forward(x);
        return x;
    }
}
