package ssvae.autograd;

import org.junit.jupiter.api.Test;
import ssvae.tensor.MemoryScope;
import ssvae.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.*;

/** MemoryScope releases what was allocated inside it at close, except what was kept (moved to the parent scope). */
class MemoryScopeTest {
    @Test void releasesAllButKept() {
        Tensor outside = Tensor.zeros(2);
        Tensor a, b, kept, wrapped;
        try (MemoryScope s = MemoryScope.open()) {
            assertSame(s, MemoryScope.current());
            a = Tensor.zeros(3);
            b = a.add(1).exp(); // op outputs are tracked too
            kept = s.keep(Tensor.ones(4));
            wrapped = Tensor.fromArray(new float[] {1}); // wraps a caller's array: not owned
            assertEquals(3, s.size(), "the outputs of zeros, add and exp; the kept one moved out");
        }
        assertNull(MemoryScope.current());
        assertTrue(a.storage().isReleased());
        assertTrue(b.storage().isReleased());
        assertFalse(kept.storage().isReleased());
        assertFalse(wrapped.storage().isReleased());
        assertFalse(outside.storage().isReleased());
    }

    @Test void nestedKeepMovesToParent() {
        Tensor inner, outerOnly;
        try (MemoryScope outer = MemoryScope.open()) {
            outerOnly = Tensor.zeros(1);
            try (MemoryScope in = MemoryScope.open()) {
                inner = in.keep(Tensor.zeros(2));
                assertEquals(0, in.size());
                assertEquals(2, outer.size(), "kept: now owned by the outer scope");
            }
            assertFalse(inner.storage().isReleased(), "kept by the inner scope");
        }
        assertTrue(inner.storage().isReleased());
        assertTrue(outerOnly.storage().isReleased());
    }

    @Test void outOfOrderCloseFails() {
        MemoryScope a = MemoryScope.open();
        MemoryScope b = MemoryScope.open();
        assertThrows(IllegalStateException.class, a::close);
        b.close();
        a.close();
        assertNull(MemoryScope.current());
    }
}
