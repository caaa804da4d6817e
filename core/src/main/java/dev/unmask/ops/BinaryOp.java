package dev.unmask.ops;

/** Elementwise functions of two F32 arguments, with NumPy broadcasting. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN
}
