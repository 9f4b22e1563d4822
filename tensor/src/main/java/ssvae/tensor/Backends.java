package ssvae.tensor;

import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;

/** Finds backends with ServiceLoader, once; a device whose backend is missing or unavailable gives one clear error. */
public final class Backends {
    private static volatile Map<Device.Type, Backend> loaded;

    private Backends() {}

    private static Map<Device.Type, Backend> all() {
        Map<Device.Type, Backend> m = loaded;
        if (m == null) {
            synchronized (Backends.class) {
                if (loaded == null) {
                    Map<Device.Type, Backend> map = new EnumMap<>(Device.Type.class);
                    for (Backend b : ServiceLoader.load(Backend.class)) map.putIfAbsent(b.deviceType(), b);
                    loaded = map;
                }
                m = loaded;
            }
        }
        return m;
    }

    public static Backend get(Device d) {
        Backend b = all().get(d.type());
        if (b == null) {
            throw new IllegalStateException("no backend for device " + d + " on the class path"
                    + (d.isCpu() ? " (add the ssvae-kernels module)" : ""));
        }
        if (!b.isAvailable()) throw new IllegalStateException("device " + d + " is not available: " + b.unavailableReason());
        return b;
    }

    /** The backend registered for a device type, available or not (for diagnostics). */
    public static Backend find(Device.Type t) { return all().get(t); }

    /** Registers a backend programmatically (tests, embedding); replaces one of the same device type. */
    public static synchronized void register(Backend b) {
        Map<Device.Type, Backend> map = new EnumMap<>(all());
        map.put(b.deviceType(), b);
        loaded = map;
    }
}
