package dev.unmask.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ShapeTest {
    @Test
    void splitAtCountsTheElementsBeforeAtAndAfterTheAxis() {
        Shape shape = Shape.of(2, 3, 4, 5);
        assertEquals(new Shape.AxisSplit(0, 1, 2, 60), shape.splitAt(0));
        assertEquals(new Shape.AxisSplit(2, 6, 4, 5), shape.splitAt(2));
        assertEquals(new Shape.AxisSplit(3, 24, 5, 1), shape.splitAt(-1));
    }

    @Test
    void splitAtWalksEveryElementOnceInStorageOrder() {
        Shape shape = Shape.of(3, 2, 4);
        Shape.AxisSplit split = shape.splitAt(1);
        int expected = 0;
        for (int o = 0; o < split.outer(); o++) {
            for (int j = 0; j < split.extent(); j++) {
                for (int i = 0; i < split.inner(); i++) {
                    assertEquals(expected++, (o * split.extent() + j) * split.inner() + i);
                }
            }
        }
        assertEquals(shape.numel(), expected);
    }

    @Test
    void splitAtRejectsAnAxisOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> Shape.of(2, 3).splitAt(2));
        assertThrows(IllegalArgumentException.class, () -> Shape.of(2, 3).splitAt(-3));
    }
}
