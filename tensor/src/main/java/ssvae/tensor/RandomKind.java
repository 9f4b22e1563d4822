package ssvae.tensor;

/** Random fills: UNIFORM in [a, b), NORMAL with mean a and std b, BERNOULLI with probability a. */
public enum RandomKind { UNIFORM, NORMAL, BERNOULLI }
