package ssvae.tensor;

/**
 * Row normalisation over the middle axis R of a contiguous [outer, R, inner] view.
 * CENTERED: (x - mean) / sqrt(var_biased + eps) (layer/group norm); mean and rstd are saved.
 * L2: x / max(||x||_2, eps) (F.normalize); mean is unused (zeros), rstd holds 1/max(||x||, eps).
 * RMS: x / sqrt(mean(x^2) + eps); rstd saved.
 */
public enum NormMode { CENTERED, L2, RMS }
