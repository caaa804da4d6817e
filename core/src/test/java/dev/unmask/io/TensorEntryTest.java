package dev.unmask.io;

import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Element conversions checked against values computed by hand from the IEEE 754 bit layouts. */
class TensorEntryTest {

    private static byte[] shorts(int... bits) {
        ByteBuffer b = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : bits) {
            b.putShort((short) v);
        }
        return b.array();
    }

    private static byte[] doubles(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    private static byte[] longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    @Test
    void widensHalfPrecisionExactly() throws SafetensorsFormatException {
        // sign | 5 exponent bits (bias 15) | 10 mantissa bits
        int[] bits = {0x0000, 0x8000, 0x0001, 0x03FF, 0x0400, 0x3C00, 0xC000, 0x3555, 0x7BFF, 0x7C00, 0xFC00};
        float[] want = {0f, -0f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, 1f, -2f, 0x1.554p-2f, 65504f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] got = TensorEntry.of("h", SafetensorsDType.F16, new int[] {bits.length}, shorts(bits)).toFloats();
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "bits 0x" + Integer.toHexString(bits[i]));
        }
        assertTrue(Float.isNaN(TensorEntry.of("n", SafetensorsDType.F16, new int[] {1}, shorts(0x7E00)).toFloats()[0]));
    }

    @Test
    void widensBfloat16Exactly() throws SafetensorsFormatException {
        // bfloat16 is the upper half of a float32
        float[] got = TensorEntry.of("b", SafetensorsDType.BF16, new int[] {4}, shorts(0x3F80, 0xC049, 0x7F80, 0x0001))
                .toFloats();
        assertArrayEquals(new float[] {1f, -3.140625f, Float.POSITIVE_INFINITY, Float.intBitsToFloat(0x00010000)}, got);
    }

    @Test
    void narrowsF64AndRejectsFiniteValuesPastTheFloatRange() throws SafetensorsFormatException {
        float[] got = TensorEntry.of("d", SafetensorsDType.F64, new int[] {4},
                doubles(0.1, Double.NEGATIVE_INFINITY, 3.4028234663852886e38, Double.NaN)).toFloats();
        assertEquals(0.1f, got[0]);
        assertEquals(Float.NEGATIVE_INFINITY, got[1]);
        assertEquals(Float.MAX_VALUE, got[2]);
        assertTrue(Float.isNaN(got[3]));
        TensorEntry tooBig = TensorEntry.of("d", SafetensorsDType.F64, new int[] {2}, doubles(1, -1e300));
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, tooBig::toFloats);
        assertTrue(e.getMessage().contains("tensor 'd': F64 value -1.0E300 at element 1 is outside the F32 range"),
                e.getMessage());
    }

    @Test
    void narrowsI64WithinTheIntRangeOnly() throws SafetensorsFormatException {
        int[] got = TensorEntry.of("l", SafetensorsDType.I64, new int[] {3},
                longs(Integer.MIN_VALUE, -1, Integer.MAX_VALUE)).toInts();
        assertArrayEquals(new int[] {Integer.MIN_VALUE, -1, Integer.MAX_VALUE}, got);
        TensorEntry under = TensorEntry.of("l", SafetensorsDType.I64, new int[] {1}, longs(Integer.MIN_VALUE - 1L));
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, under::toInts);
        assertTrue(e.getMessage().contains("I64 value -2147483649 at element 0 is outside the I32 range"), e.getMessage());
    }

    @Test
    void refusesToReadIntegersAsFloatsAndFloatsAsIntegers() {
        TensorEntry ints = TensorEntry.ofInts("i", new int[] {1}, new int[] {7});
        TensorEntry floats = TensorEntry.ofFloats("f", new int[] {1}, new float[] {7});
        assertTrue(assertThrows(SafetensorsFormatException.class, ints::toFloats).getMessage()
                .contains("tensor 'i' holds I32 values; read it with toInts()"));
        assertTrue(assertThrows(SafetensorsFormatException.class, floats::toInts).getMessage()
                .contains("tensor 'f' holds F32 values; read it with toFloats()"));
    }

    @Test
    void convertsToBackendTensors() throws SafetensorsFormatException {
        ReferenceBackend backend = new ReferenceBackend();
        Tensor half = TensorEntry.of("h", SafetensorsDType.F16, new int[] {1, 2}, shorts(0x3C00, 0xC000)).toTensor(backend);
        assertEquals(DType.F32, half.dtype());
        assertArrayEquals(new int[] {1, 2}, half.shape().dims());
        assertArrayEquals(new float[] {1f, -2f}, half.toFloatArray());
        Tensor scalar = TensorEntry.of("s", SafetensorsDType.I64, new int[0], longs(-9)).toTensor(backend);
        assertEquals(DType.I32, scalar.dtype());
        assertEquals(0, scalar.rank());
        assertArrayEquals(new int[] {-9}, scalar.toIntArray());
        TensorEntry back = TensorEntry.of("back", half);
        assertEquals(SafetensorsDType.F32, back.dtype());
        assertArrayEquals(new float[] {1f, -2f}, back.toFloats());
    }

    @Test
    void rejectsInconsistentConstruction() {
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> TensorEntry.of("x", SafetensorsDType.F32, new int[] {2, 2}, new byte[12]));
        assertTrue(count.getMessage().contains("tensor 'x': dtype F32 and shape [2, 2] need 16 bytes, got 12"),
                count.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TensorEntry.ofFloats("x", new int[] {-1}, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> TensorEntry.ofInts("x", new int[] {3}, new int[2]));
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> TensorEntry.ofFloats("x", new int[] {65536, 65536}, new float[0]));
        assertTrue(huge.getMessage().contains("is larger than"), huge.getMessage());
        // a zero dimension makes the tensor empty however large the others are
        assertEquals(0, TensorEntry.ofFloats("e", new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, 0}, new float[0])
                .byteLength());
    }

    @Test
    void entriesDoNotShareTheCallersArraysAndExposeReadOnlyData() throws SafetensorsFormatException {
        float[] values = {1, 2};
        int[] shape = {2};
        TensorEntry e = TensorEntry.ofFloats("x", shape, values);
        values[0] = 99;
        shape[0] = 5;
        e.shape()[0] = 7;
        assertArrayEquals(new float[] {1, 2}, e.toFloats());
        assertArrayEquals(new int[] {2}, e.shape());
        assertTrue(e.data().isReadOnly());
        assertEquals(ByteOrder.LITTLE_ENDIAN, e.data().order());
    }

    @Test
    void firstNonFiniteFindsNaNAndInfinitiesInEveryFloatingDtypeFromTheirBits() {
        // binary16 0x3C00 = 1, 0x7C00 = +inf, 0xFE00 = a negative NaN; bfloat16 0x3F80 = 1, 0x7FC0 = NaN, 0xFF80 = -inf
        TensorEntry.NonFinite f16 = TensorEntry.of("h", SafetensorsDType.F16, new int[] {3}, shorts(0x3C00, 0x3C00, 0x7C00))
                .firstNonFinite().orElseThrow();
        assertEquals(2, f16.element());
        assertEquals(Double.POSITIVE_INFINITY, f16.value());
        assertTrue(Double.isNaN(TensorEntry.of("h", SafetensorsDType.F16, new int[] {1}, shorts(0xFE00))
                .firstNonFinite().orElseThrow().value()));
        TensorEntry.NonFinite bf16 = TensorEntry.of("b", SafetensorsDType.BF16, new int[] {3}, shorts(0x3F80, 0x7FC0, 0xFF80))
                .firstNonFinite().orElseThrow();
        assertEquals(1, bf16.element());
        assertTrue(Double.isNaN(bf16.value()));
        TensorEntry.NonFinite f32 = TensorEntry.ofFloats("f", new int[] {2, 2},
                new float[] {0, Float.MAX_VALUE, Float.MIN_VALUE, Float.NEGATIVE_INFINITY}).firstNonFinite().orElseThrow();
        assertEquals(3, f32.element());
        assertEquals(Double.NEGATIVE_INFINITY, f32.value());
        TensorEntry.NonFinite f64 = TensorEntry.of("d", SafetensorsDType.F64, new int[] {2}, doubles(Double.MAX_VALUE, Double.NaN))
                .firstNonFinite().orElseThrow();
        assertEquals(1, f64.element());
        assertTrue(TensorEntry.ofFloats("ok", new int[] {3}, new float[] {-0f, 1e-45f, -3.4e38f}).firstNonFinite().isEmpty());
        // an I32 whose bits spell a float NaN is an integer, never non-finite
        assertTrue(TensorEntry.ofInts("i", new int[] {1}, new int[] {0x7FC00000}).firstNonFinite().isEmpty());
        assertTrue(TensorEntry.ofFloats("empty", new int[] {0}, new float[0]).firstNonFinite().isEmpty());
    }
}
