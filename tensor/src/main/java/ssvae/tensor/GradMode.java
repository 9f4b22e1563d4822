package ssvae.tensor;

/** Thread-local switch for graph recording, as torch.no_grad / torch.enable_grad. */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    public static boolean isEnabled() { return ENABLED.get()[0]; }

    /** A scope in which no graph is recorded: {@code try (var g = GradMode.noGrad()) { ... }}. */
    public static Guard noGrad() { return set(false); }

    /** A scope in which graph recording is on again (inside a noGrad scope). */
    public static Guard enableGrad() { return set(true); }

    public static Guard set(boolean enabled) {
        boolean[] cell = ENABLED.get();
        boolean prev = cell[0];
        cell[0] = enabled;
        return () -> cell[0] = prev;
    }

    /** Restores the previous mode on close. */
    public interface Guard extends AutoCloseable { @Override void close(); }
}
