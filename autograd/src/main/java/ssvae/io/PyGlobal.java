package ssvae.io;

/**
 * A reference to a Python global (GLOBAL / STACK_GLOBAL) that the reader does not map to anything: kept as a
 * name only. Calling it (REDUCE, NEWOBJ) yields a {@link PyObject} placeholder; nothing is looked up or run.
 */
public record PyGlobal(String module, String name) {
    @Override public String toString() { return module + "." + name; }
}
