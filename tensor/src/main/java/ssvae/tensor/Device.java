package ssvae.tensor;

/** Where a tensor's storage lives. */
public record Device(Type type, int index) {
    public enum Type { CPU, CUDA }

    public static final Device CPU = new Device(Type.CPU, 0);
    private static volatile Device defaultDevice = CPU;

    public static Device cuda(int index) { return new Device(Type.CUDA, index); }

    public boolean isCpu() { return type == Type.CPU; }
    public boolean isCuda() { return type == Type.CUDA; }

    /** The device new tensors are created on when none is named (set by the CLI's --device). */
    public static Device getDefault() { return defaultDevice; }
    public static void setDefault(Device d) { defaultDevice = d; }

    public static Device parse(String s) {
        String t = s.trim().toLowerCase();
        if (t.equals("cpu")) return CPU;
        if (t.equals("cuda")) return cuda(0);
        if (t.startsWith("cuda:")) {
            try { return cuda(Integer.parseInt(t.substring(5))); } catch (NumberFormatException e) { /* fall through */ }
        }
        throw new IllegalArgumentException("unknown device '" + s + "' (expected cpu, cuda or cuda:N)");
    }

    @Override public String toString() { return type == Type.CPU ? "cpu" : "cuda:" + index; }
}
