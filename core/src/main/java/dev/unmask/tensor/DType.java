package dev.unmask.tensor;

/** Element types a tensor can hold. Index-valued results (argmax, vq_nearest) are {@link #I32}. */
public enum DType {
    F32(4),
    I32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }
}
