package ssvae.io;

import ssvae.tensor.CpuStorage;
import ssvae.tensor.DType;

/** A storage record of a PyTorch zip checkpoint ({@code <archive>/data/<key>}), loaded once and shared by its views. */
public record TorchStorage(String key, String typeName, DType dtype, CpuStorage data) {
    @Override public String toString() { return "torch." + typeName + "(key=" + key + ", numel=" + data.numel() + ")"; }
}
