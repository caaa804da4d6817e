package dev.unmask.tensor;

/**
 * Where a tensor's storage lives, as far as a tensor needs to know: a name, and copying values in and out.
 * Every backend is a device ({@code dev.unmask.backend.Backend} extends this interface and adds the ops);
 * code that runs ops on a tensor asks the backend package for them ({@code Backend.of(tensor)}), so this
 * package depends on nothing else in the library.
 */
public interface Device {
    /** Short name used in logs and on the command line ({@code cpu}, {@code cpu-reference}, {@code cuda}). */
    String name();

    /** A new F32 tensor on this device holding a copy of {@code data}, which must have {@code shape.numel()} elements. */
    Tensor fromFloats(float[] data, Shape shape);

    /** A new I32 tensor on this device holding a copy of {@code data}. */
    Tensor fromInts(int[] data, Shape shape);

    /** A copy of the values of an F32 tensor on this device. */
    float[] toFloats(Tensor x);

    /** A copy of the values of an I32 tensor on this device. */
    int[] toInts(Tensor x);
}
