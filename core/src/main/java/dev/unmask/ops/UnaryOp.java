package dev.unmask.ops;

/** Elementwise functions of one F32 argument without parameters. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, ABS, RELU, SIGMOID, TANH
}
