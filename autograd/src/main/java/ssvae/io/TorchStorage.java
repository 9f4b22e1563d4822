package ssvae.io;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;

/**
 * A storage of a PyTorch checkpoint ({@code <archive>/data/<key>} in zip files), loaded once and shared by its
 * views. Legacy (pre-1.6) files may also name a storage view: elements [base, base + length) of a root storage.
 */
public record TorchStorage(String key, String typeName, DType dtype, CpuStorage data, int base, int length) {
    public TorchStorage(String key, String typeName, DType dtype, CpuStorage data) { this(key, typeName, dtype, data, 0, data.numel()); }

    @Override public String toString() { return "torch." + typeName + "(key=" + key + ", numel=" + length + ")"; }
}
