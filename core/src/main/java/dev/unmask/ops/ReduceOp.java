package dev.unmask.ops;

/** Reductions over a set of axes. */
public enum ReduceOp {
    SUM, MEAN, MAX, MIN
}
