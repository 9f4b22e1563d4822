package ssvae.tensor;

/** Elementwise binary ops on broadcast operands. Comparisons and logic produce BOOL. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN, ATAN2,
    EQ, NE, LT, LE, GT, GE, AND, OR, XOR;

    public boolean isComparison() { return ordinal() >= EQ.ordinal(); }
}
