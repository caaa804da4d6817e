package dev.unmask.ops;

/** Elementwise comparisons with broadcasting; the result is an F32 mask of 0 and 1. */
public enum CompareOp {
    EQ, NE, LT, LE, GT, GE
}
