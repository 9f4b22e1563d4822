package ssvae.nn;

import java.util.Map;

/** nn.ModuleDict: children under chosen names, in insertion order; has no forward of its own. */
public final class ModuleDict extends Module {
    public ModuleDict() {}

    public ModuleDict(Map<String, ? extends Module> modules) { modules.forEach(this::put); }

    /** Adds a child; names must be new and contain no '.'. Returns this. */
    public ModuleDict put(String name, Module m) {
        registerModule(name, m);
        return this;
    }

    public Module get(String name) { return child(name); }

    public boolean containsKey(String name) { return namedChildren().containsKey(name); }

    public int size() { return namedChildren().size(); }
}
