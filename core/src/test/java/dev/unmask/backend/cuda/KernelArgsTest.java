package dev.unmask.backend.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KernelArgsTest {

    @Test
    void packsEachKindLittleEndianWithoutPadding() {
        KernelArgs args = new KernelArgs().pointer(0x0102030405060708L, 0x10).i32(-2).i64(1L << 40).f32(1.5f)
                .intStruct(7, 0x01000000);
        assertEquals("pilfs", args.signature());
        byte[] expected = {
                0x18, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,  // pointer + offset 0x10
                (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,  // -2
                0, 0, 0, 0, 0, 1, 0, 0,  // 2^40
                0, 0, (byte) 0xC0, 0x3F,  // 1.5f = 0x3FC00000
                7, 0, 0, 0, 0, 0, 0, 1};  // struct {7, 0x01000000}
        assertArrayEquals(expected, args.packed());
    }

    @Test
    void aNegativeOffsetIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new KernelArgs().pointer(8, -4));
    }

    @Test
    void launchDimensionsCoverTheElements() {
        assertEquals(Dim3.of(1), Dim3.cover(0, 256));
        assertEquals(Dim3.of(1), Dim3.cover(256, 256));
        assertEquals(Dim3.of(2), Dim3.cover(257, 256));
        assertThrows(IllegalArgumentException.class, () -> new Dim3(1, 0, 1));
    }
}
