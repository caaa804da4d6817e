package dev.unmask.nn;

import dev.unmask.autograd.Variable;

/** Gated linear unit: splits {@code axis} into halves a and b and returns {@code a * sigmoid(b)}. */
public final class GLU extends Layer {
    private final int axis;

    public GLU(int axis) {
        this.axis = axis;
    }

    /** Splits the channel axis of NCHW input, as rosinality's PixelSNAIL does. */
    public GLU() {
        this(1);
    }

    @Override
    public Variable forward(Variable x) {
        int size = x.dim(axis);
        if (size % 2 != 0) {
            throw new IllegalArgumentException("GLU: axis " + axis + " of " + x.shape() + " has odd size " + size);
        }
        return x.slice(axis, 0, size / 2).mul(x.slice(axis, size / 2, size).sigmoid());
    }
}
