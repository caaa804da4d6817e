package dev.unmask.io;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The safetensors element types this library reads. F32 and I32 map onto {@link dev.unmask.tensor.DType}
 * directly; F16, BF16 and F64 are converted to F32, and I64 to I32, because PyTorch state dicts hold them.
 * Other safetensors dtypes (BOOL, U8, F8_*, ...) are rejected with an error naming the tensor.
 *
 * <p>The constants are declared in the order of the safetensors library's own dtype enum: its writer lays
 * tensors out by descending dtype in that order, then by name, and {@link SafetensorsWriter} does the same.
 */
public enum SafetensorsDType {
    F16(2),
    BF16(2),
    I32(4),
    F32(4),
    F64(8),
    I64(8);

    private final int bytes;

    SafetensorsDType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** Whether the values are floating point (converted to F32 tensors) rather than integers (I32). */
    public boolean isFloatingPoint() {
        return this != I32 && this != I64;
    }

    /** The dtype spelled {@code name} in a safetensors header (case-sensitive, as the format is). */
    public static Optional<SafetensorsDType> fromHeaderName(String name) {
        for (SafetensorsDType d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The supported names, for error messages. */
    static String supportedNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
