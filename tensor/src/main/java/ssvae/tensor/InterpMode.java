package ssvae.tensor;

/** F.interpolate modes; LINEAR is linear/bilinear/trilinear depending on the number of spatial dims. */
public enum InterpMode { NEAREST, NEAREST_EXACT, LINEAR }
