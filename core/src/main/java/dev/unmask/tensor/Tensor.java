package dev.unmask.tensor;

/**
 * A contiguous, row-major block of F32 or I32 values with a shape, living on one {@link Device}. Tensors carry
 * no gradient information (that is {@code dev.unmask.autograd.Variable}); ops never modify their
 * inputs, except the explicitly in-place ones of the backend contract (the optimizer step). A tensor is made
 * by a device ({@code backend.fromFloats(data, shape)}); it never picks a backend itself, and ops on it run on
 * its own backend ({@code Backend.of(tensor)}).
 */
public final class Tensor {
    private final Shape shape;
    private final Storage storage;

    /** Wraps a storage; used by devices. The storage must hold exactly {@code shape.numel()} elements. */
    public Tensor(Shape shape, Storage storage) {
        if (shape.numel() != storage.size()) {
            throw new IllegalArgumentException(
                    "shape " + shape + " needs " + shape.numel() + " elements, storage holds " + storage.size());
        }
        this.shape = shape;
        this.storage = storage;
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

    /** The device holding this tensor's storage. */
    public Device device() {
        return storage.device();
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
        return device().toFloats(this);
    }

    /** A copy of the values (I32 tensors only). */
    public int[] toIntArray() {
        return device().toInts(this);
    }

    /** The single value of a one-element F32 tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() needs one element, shape is " + shape);
        }
        return dtype() == DType.F32 ? toFloatArray()[0] : toIntArray()[0];
    }

    /** This tensor's values on another device (this tensor itself when it is already there). */
    public Tensor to(Device target) {
        if (target == device()) {
            return this;
        }
        return dtype() == DType.F32
                ? target.fromFloats(toFloatArray(), shape)
                : target.fromInts(toIntArray(), shape);
    }

    @Override
    public String toString() {
        return "Tensor" + shape + " " + dtype() + " on " + device().name();
    }
}
