package ssvae.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An inert stand-in for an instance of a Python class the pickle reader does not know. It records what the
 * pickle said (class module and name, constructor arguments, BUILD state, SETITEMS/APPENDS items) for display
 * and inspection; nothing named in the pickle is ever looked up, loaded or run.
 */
public final class PyObject {
    private final String module;
    private final String name;
    private final List<Object> args;
    private Object state;
    private final Map<Object, Object> items = new LinkedHashMap<>();
    private final List<Object> elements = new ArrayList<>();

    public PyObject(String module, String name, List<Object> args) {
        this.module = module; this.name = name; this.args = args == null ? List.of() : args;
    }

    public String module() { return module; }
    public String name() { return name; }
    /** module.name as Python spells it. */
    public String qualifiedName() { return module + "." + name; }
    public List<Object> args() { return args; }
    /** The state passed to BUILD (usually the instance __dict__), or null. */
    public Object state() { return state; }
    void setState(Object s) { this.state = s; }
    /** Items added by SETITEM(S) (dict subclasses). */
    public Map<Object, Object> items() { return items; }
    /** Elements added by APPEND(S) (list subclasses). */
    public List<Object> elements() { return elements; }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder(qualifiedName()).append('(');
        for (int i = 0; i < args.size(); i++) sb.append(i == 0 ? "" : ", ").append(PickleReader.repr(args.get(i), 2));
        sb.append(')');
        if (state != null) sb.append(" state=").append(PickleReader.repr(state, 2));
        if (!items.isEmpty()) sb.append(" items=").append(PickleReader.repr(items, 2));
        if (!elements.isEmpty()) sb.append(" elements=").append(PickleReader.repr(elements, 2));
        return sb.toString();
    }
}
