package ssvae.tensor;

/**
 * CPU storage: a Java primitive array. F32 -> float[], F64 -> double[], BF16/F16 -> short[] (raw bits),
 * I64 -> long[], I32 -> int[], U8/BOOL -> byte[].
 */
public final class CpuStorage extends Storage {
    private final Object data;

    public CpuStorage(DType dtype, int numel) {
        super(dtype, numel, Device.CPU);
        this.data = switch (dtype) {
            case F32 -> new float[numel];
            case F64 -> new double[numel];
            case BF16, F16 -> new short[numel];
            case I64 -> new long[numel];
            case I32 -> new int[numel];
            case U8, BOOL -> new byte[numel];
        };
    }

    /** Wraps an existing array (no copy); its type must match dtype. */
    public CpuStorage(DType dtype, Object array) {
        super(dtype, java.lang.reflect.Array.getLength(array), Device.CPU);
        boolean ok = switch (dtype) {
            case F32 -> array instanceof float[];
            case F64 -> array instanceof double[];
            case BF16, F16 -> array instanceof short[];
            case I64 -> array instanceof long[];
            case I32 -> array instanceof int[];
            case U8, BOOL -> array instanceof byte[];
        };
        if (!ok) throw new IllegalArgumentException(array.getClass().getSimpleName() + " cannot back a " + dtype + " storage");
        this.data = array;
    }

    public Object array() { return data; }
    public float[] f32() { return (float[]) data; }
    public double[] f64() { return (double[]) data; }
    public short[] i16() { return (short[]) data; }
    public long[] i64() { return (long[]) data; }
    public int[] i32() { return (int[]) data; }
    public byte[] u8() { return (byte[]) data; }

    /** Element i as a double, whatever the dtype (slow path for references and tests). */
    public double getDouble(int i) {
        return switch (dtype()) {
            case F32 -> ((float[]) data)[i];
            case F64 -> ((double[]) data)[i];
            case BF16 -> Half.bf16ToFloat(((short[]) data)[i]);
            case F16 -> Half.f16ToFloat(((short[]) data)[i]);
            case I64 -> ((long[]) data)[i];
            case I32 -> ((int[]) data)[i];
            case U8 -> ((byte[]) data)[i] & 0xff;
            case BOOL -> ((byte[]) data)[i] != 0 ? 1 : 0;
        };
    }

    /** Stores v at i, converting like PyTorch's .to(dtype) (truncation toward zero for ints, round-to-nearest-even for halves). */
    public void setDouble(int i, double v) {
        switch (dtype()) {
            case F32 -> ((float[]) data)[i] = (float) v;
            case F64 -> ((double[]) data)[i] = v;
            case BF16 -> ((short[]) data)[i] = Half.floatToBf16((float) v);
            case F16 -> ((short[]) data)[i] = Half.floatToF16((float) v);
            case I64 -> ((long[]) data)[i] = (long) v;
            case I32 -> ((int[]) data)[i] = (int) (long) v;
            case U8 -> ((byte[]) data)[i] = (byte) (long) v;
            case BOOL -> ((byte[]) data)[i] = (byte) (v != 0 ? 1 : 0);
        }
    }

    public long getLong(int i) {
        return switch (dtype()) {
            case I64 -> ((long[]) data)[i];
            case I32 -> ((int[]) data)[i];
            case U8 -> ((byte[]) data)[i] & 0xff;
            case BOOL -> ((byte[]) data)[i];
            default -> (long) getDouble(i);
        };
    }

    public void setLong(int i, long v) {
        switch (dtype()) {
            case I64 -> ((long[]) data)[i] = v;
            case I32 -> ((int[]) data)[i] = (int) v;
            case U8 -> ((byte[]) data)[i] = (byte) v;
            case BOOL -> ((byte[]) data)[i] = (byte) (v != 0 ? 1 : 0);
            default -> setDouble(i, v);
        }
    }

    @Override protected void free() { /* heap memory: the GC reclaims it */ }
}
