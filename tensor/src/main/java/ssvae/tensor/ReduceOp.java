package ssvae.tensor;

/** Reductions. SUM/PROD/MAX/MIN reduce to the input dtype; ARGMAX/ARGMIN give I64 indices (first occurrence). */
public enum ReduceOp { SUM, PROD, MAX, MIN, ARGMAX, ARGMIN }
