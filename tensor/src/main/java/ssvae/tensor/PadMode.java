package ssvae.tensor;

/** F.pad modes plus SSVAE's 'first' mode (repeat the first frame along time). */
public enum PadMode { CONSTANT, REFLECT, REPLICATE, CIRCULAR, FIRST }
