package dev.unmask.io;

import dev.unmask.backend.Backend;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One named tensor as a safetensors file stores it: a dtype, a shape and the raw little-endian bytes of
 * its elements in row-major order. Entries are immutable; they do not depend on any backend until
 * {@link #toTensor(Backend)} is called.
 */
public final class TensorEntry {
    private final String name;
    private final SafetensorsDType dtype;
    private final int[] shape;
    private final byte[] data;

    private TensorEntry(String name, SafetensorsDType dtype, int[] shape, byte[] data) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /**
     * An entry holding a copy of {@code littleEndianBytes}, which must be exactly
     * {@code product(shape) * dtype.bytes()} long.
     *
     * @throws IllegalArgumentException on a negative dimension or a byte count that does not match
     */
    public static TensorEntry of(String name, SafetensorsDType dtype, int[] shape, byte[] littleEndianBytes) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        long expected = byteLength(name, dtype, shape);
        if (littleEndianBytes.length != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': dtype " + dtype + " and shape "
                    + Arrays.toString(shape) + " need " + expected + " bytes, got " + littleEndianBytes.length);
        }
        return new TensorEntry(name, dtype, shape.clone(), littleEndianBytes.clone());
    }

    /** Wraps bytes the reader has already checked against dtype and shape, without copying. */
    static TensorEntry wrapChecked(String name, SafetensorsDType dtype, int[] shape, byte[] data) {
        return new TensorEntry(name, dtype, shape, data);
    }

    /** An F32 entry holding a copy of {@code values}. */
    public static TensorEntry ofFloats(String name, int[] shape, float[] values) {
        requireCount(name, shape, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new TensorEntry(name, SafetensorsDType.F32, shape.clone(), b.array());
    }

    /** An I32 entry holding a copy of {@code values}. */
    public static TensorEntry ofInts(String name, int[] shape, int[] values) {
        requireCount(name, shape, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return new TensorEntry(name, SafetensorsDType.I32, shape.clone(), b.array());
    }

    /** An F32 or I32 entry holding a copy of the tensor's values, fetched from the tensor's device. */
    public static TensorEntry of(String name, Tensor tensor) {
        int[] dims = tensor.shape().dims();
        return switch (tensor.dtype()) {
            case F32 -> ofFloats(name, dims, tensor.toFloatArray());
            case I32 -> ofInts(name, dims, tensor.toIntArray());
        };
    }

    public String name() {
        return name;
    }

    public SafetensorsDType dtype() {
        return dtype;
    }

    /** A copy of the dimension sizes; {@code []} is a scalar. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the dimensions. */
    public long numel() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Size of the data in bytes. */
    public int byteLength() {
        return data.length;
    }

    /** A read-only little-endian view of the raw bytes (no copy). */
    public ByteBuffer data() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A NaN or infinite element: its flat (row-major) index and its value widened to double. */
    public record NonFinite(long element, double value) {
    }

    /**
     * The first element that is NaN or infinite, read from the stored bits without converting the tensor;
     * empty when every element is finite, and always for integer dtypes.
     */
    public Optional<NonFinite> firstNonFinite() {
        if (!dtype.isFloatingPoint()) {
            return Optional.empty();
        }
        ByteBuffer b = data();
        int n = data.length / dtype.bytes();
        for (int i = 0; i < n; i++) {
            boolean nonFinite = switch (dtype) {
                case F32 -> (b.getInt(4 * i) & 0x7f80_0000) == 0x7f80_0000;
                case F16 -> (b.getShort(2 * i) & 0x7c00) == 0x7c00;
                case BF16 -> (b.getShort(2 * i) & 0x7f80) == 0x7f80;
                case F64 -> (b.getLong(8 * i) & 0x7ff0_0000_0000_0000L) == 0x7ff0_0000_0000_0000L;
                case I32, I64 -> throw new AssertionError(dtype);
            };
            if (nonFinite) {
                double value = switch (dtype) {
                    case F32 -> b.getFloat(4 * i);
                    case F16 -> halfToFloat(b.getShort(2 * i));
                    case BF16 -> Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
                    default -> b.getDouble(8 * i);
                };
                return Optional.of(new NonFinite(i, value));
            }
        }
        return Optional.empty();
    }

    /**
     * The values as floats: F32 as stored, F16 and BF16 widened exactly, F64 rounded to nearest.
     *
     * @throws SafetensorsFormatException for an integer dtype, or an F64 value that is finite but
     *     outside the F32 range (it would silently become infinite)
     */
    public float[] toFloats() throws SafetensorsFormatException {
        ByteBuffer b = data();
        float[] out = new float[data.length / dtype.bytes()];
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = halfToFloat(b.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
                }
            }
            case F64 -> {
                for (int i = 0; i < out.length; i++) {
                    double v = b.getDouble(8 * i);
                    out[i] = (float) v;
                    if (Float.isInfinite(out[i]) && !Double.isInfinite(v)) {
                        throw new SafetensorsFormatException("tensor " + MessageText.quote(name) + ": F64 value " + v
                                + " at element " + i + " is outside the F32 range");
                    }
                }
            }
            case I32, I64 -> throw new SafetensorsFormatException(
                    "tensor " + MessageText.quote(name) + " holds " + dtype + " values; read it with toInts()");
        }
        return out;
    }

    /**
     * The values as ints: I32 as stored, I64 narrowed.
     *
     * @throws SafetensorsFormatException for a floating-point dtype, or an I64 value outside the int range
     */
    public int[] toInts() throws SafetensorsFormatException {
        ByteBuffer b = data();
        int[] out = new int[data.length / dtype.bytes()];
        switch (dtype) {
            case I32 -> b.asIntBuffer().get(out);
            case I64 -> {
                for (int i = 0; i < out.length; i++) {
                    long v = b.getLong(8 * i);
                    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                        throw new SafetensorsFormatException("tensor " + MessageText.quote(name) + ": I64 value " + v
                                + " at element " + i + " is outside the I32 range");
                    }
                    out[i] = (int) v;
                }
            }
            case F16, BF16, F32, F64 -> throw new SafetensorsFormatException(
                    "tensor " + MessageText.quote(name) + " holds " + dtype + " values; read it with toFloats()");
        }
        return out;
    }

    /**
     * A new tensor on {@code backend}: an F32 tensor for floating-point dtypes, an I32 tensor for
     * integer dtypes, with the conversions of {@link #toFloats()} and {@link #toInts()}.
     */
    public Tensor toTensor(Backend backend) throws SafetensorsFormatException {
        Shape s = Shape.of(shape);
        return dtype.isFloatingPoint() ? backend.fromFloats(toFloats(), s) : backend.fromInts(toInts(), s);
    }

    @Override
    public String toString() {
        return "TensorEntry[" + name + " " + dtype + " " + Arrays.toString(shape) + "]";
    }

    /** IEEE 754 binary16 to binary32; every half value is exactly representable as a float. */
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        float magnitude;
        if (exponent == 0) {
            magnitude = mantissa * 0x1p-24f;
        } else if (exponent == 0x1f) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            // rebias the exponent from 15 to 127 and widen the mantissa from 10 to 23 bits
            magnitude = Float.intBitsToFloat(((exponent + 112) << 23) | (mantissa << 13));
        }
        return (bits & 0x8000) == 0 ? magnitude : -magnitude;
    }

    /** {@code product(shape) * dtype.bytes()}, failing on negative dimensions or sizes past one array. */
    static int byteLength(String name, SafetensorsDType dtype, int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape "
                        + Arrays.toString(shape));
            }
        }
        long n;
        try {
            n = byteLengthExact(dtype, shape);
        } catch (ArithmeticException e) {
            n = Long.MAX_VALUE;
        }
        if (n > SafetensorsReader.MAX_TENSOR_BYTES) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " with dtype " + dtype + " is larger than " + SafetensorsReader.MAX_TENSOR_BYTES + " bytes");
        }
        return (int) n;
    }

    /**
     * {@code product(shape) * dtype.bytes()} for non-negative dimensions; 0 when any dimension is 0.
     *
     * @throws ArithmeticException when the product overflows a long
     */
    static long byteLengthExact(SafetensorsDType dtype, int[] shape) {
        long n = dtype.bytes();
        for (int d : shape) {
            if (d == 0) {
                return 0;
            }
        }
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static void requireCount(String name, int[] shape, int count) {
        long n = byteLength(name, SafetensorsDType.F32, shape) / Float.BYTES;
        if (n != count) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " has " + n + " elements, got " + count + " values");
        }
    }
}
