package dev.unmask.tensor;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;

/**
 * A contiguous, row-major block of F32 or I32 values with a shape, living on one backend. Tensors carry
 * no gradient information (that is {@link dev.unmask.autograd.Variable}); ops never modify their
 * inputs, except the explicitly in-place ones of the backend contract (the optimizer step).
 */
public final class Tensor {
    private final Shape shape;
    private final Storage storage;

    /** Wraps a storage; used by backends. The storage must hold exactly {@code shape.numel()} elements. */
    public Tensor(Shape shape, Storage storage) {
        if (shape.numel() != storage.size()) {
            throw new IllegalArgumentException(
                    "shape " + shape + " needs " + shape.numel() + " elements, storage holds " + storage.size());
        }
        this.shape = shape;
        this.storage = storage;
    }

    /** An F32 tensor on the default backend holding a copy of {@code data}. */
    public static Tensor of(float[] data, int... dims) {
        return Backends.defaultBackend().fromFloats(data, Shape.of(dims));
    }

    /** An I32 tensor on the default backend holding a copy of {@code data}. */
    public static Tensor ofInts(int[] data, int... dims) {
        return Backends.defaultBackend().fromInts(data, Shape.of(dims));
    }

    /** An F32 scalar on the default backend. */
    public static Tensor scalar(float value) {
        return Backends.defaultBackend().fromFloats(new float[] {value}, Shape.scalar());
    }

    public Shape shape() {
        return shape;
    }

    public DType dtype() {
        return storage.dtype();
    }

    public Storage storage() {
        return storage;
    }

    public Backend backend() {
        return storage.backend();
    }

    public int rank() {
        return shape.rank();
    }

    public int dim(int axis) {
        return shape.dim(axis);
    }

    public int numel() {
        return shape.numel();
    }

    /** A view with another shape of the same number of elements; shares storage. */
    public Tensor reshape(int... dims) {
        return reshape(Shape.of(dims));
    }

    /** A view with another shape of the same number of elements; shares storage. */
    public Tensor reshape(Shape newShape) {
        if (newShape.numel() != shape.numel()) {
            throw new IllegalArgumentException("cannot reshape " + shape + " to " + newShape);
        }
        return new Tensor(newShape, storage);
    }

    /** A copy of the values (F32 tensors only). */
    public float[] toFloatArray() {
        return backend().toFloats(this);
    }

    /** A copy of the values (I32 tensors only). */
    public int[] toIntArray() {
        return backend().toInts(this);
    }

    /** The single value of a one-element F32 tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() needs one element, shape is " + shape);
        }
        return dtype() == DType.F32 ? toFloatArray()[0] : toIntArray()[0];
    }

    /** This tensor's values on another backend (this tensor itself when it is already there). */
    public Tensor to(Backend target) {
        if (target == backend()) {
            return this;
        }
        return dtype() == DType.F32
                ? target.fromFloats(toFloatArray(), shape)
                : target.fromInts(toIntArray(), shape);
    }

    @Override
    public String toString() {
        return "Tensor" + shape + " " + dtype() + " on " + backend().name();
    }
}
