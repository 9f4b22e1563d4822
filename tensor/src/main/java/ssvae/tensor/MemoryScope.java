package ssvae.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deterministic release of tensor memory (DJL's NDManager idea): storages created while a scope is open
 * belong to it and are released when it closes, except those handed on with {@link #keep(Tensor)}.
 * Device memory then goes back to the caching allocator at a known point instead of at GC time.
 * On CPU the release is a no-op. Scopes nest per thread.
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<Deque<MemoryScope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final Map<Storage, Boolean> owned = new IdentityHashMap<>();
    private final MemoryScope parent;
    private boolean closed;

    private MemoryScope(MemoryScope parent) { this.parent = parent; }

    public static MemoryScope open() {
        Deque<MemoryScope> st = STACK.get();
        MemoryScope s = new MemoryScope(st.peek());
        st.push(s);
        return s;
    }

    /** The innermost open scope of this thread, or null. */
    public static MemoryScope current() { return STACK.get().peek(); }

    /** Called by backends for each new storage. */
    public static void track(Storage s) {
        MemoryScope cur = current();
        if (cur != null) cur.owned.put(s, Boolean.TRUE);
    }

    /** Moves t's storage to the enclosing scope (or to no scope), so it outlives this one. Returns t. */
    public Tensor keep(Tensor t) {
        Storage s = t.storage();
        if (owned.remove(s) != null && parent != null) parent.owned.put(s, Boolean.TRUE);
        return t;
    }

    public int size() { return owned.size(); }

    @Override public void close() {
        if (closed) return;
        Deque<MemoryScope> st = STACK.get();
        if (st.peek() != this) throw new IllegalStateException("memory scopes closed out of order: close the innermost scope first");
        closed = true;
        st.pop();
        List<Storage> list = new ArrayList<>(owned.keySet());
        owned.clear();
        for (Storage s : list) if (!s.isReleased()) s.release();
    }
}
