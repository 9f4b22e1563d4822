package ssvae.vae.model;

import java.util.ArrayList;
import java.util.List;

/** nn.ModuleList / nn.Sequential: children named by their index; indices of parameterless members are skipped. */
public final class BlockList<B extends Block> extends Block {
    private final List<B> items = new ArrayList<>();

    /** Appends b under the next index. */
    public <C extends B> C add(C b) {
        child(String.valueOf(items.size()), b);
        items.add(b);
        return b;
    }

    /** Puts b at an explicit index (nn.Sequential slots such as out.2 after a parameterless SiLU at out.1). */
    public <C extends B> C put(int index, C b) {
        child(String.valueOf(index), b);
        items.add(b);
        return b;
    }

    public List<B> items() { return java.util.Collections.unmodifiableList(items); }
    public B get(int i) { return items.get(i); }
    public int size() { return items.size(); }
}
