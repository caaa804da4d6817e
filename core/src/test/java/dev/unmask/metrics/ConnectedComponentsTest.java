package dev.unmask.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConnectedComponentsTest {
    @Test
    void cornersConnectRowEndsDoNotAndLabelsStartWhereAsked() {
        // 4 x 5, '#' anomalous
        String[] rows = {
            "#...#",
            ".#..#",
            "#....",
            "..##.",
        };
        boolean[] mask = new boolean[20];
        for (int i = 0; i < 20; i++) {
            mask[i] = rows[i / 5].charAt(i % 5) == '#';
        }
        int[] labels = new int[20];
        java.util.Arrays.fill(labels, -1);
        // the diagonal (0,0)-(1,1)-(2,0) is one component; (0,4)-(1,4) another, not joined to (2,0) across
        // the row end; the bar in the last row a third
        assertEquals(3, ConnectedComponents.label(mask, 4, 5, labels, 7));
        assertArrayEquals(new int[] {
            7, -1, -1, -1, 8,
            -1, 7, -1, -1, 8,
            7, -1, -1, -1, -1,
            -1, -1, 9, 9, -1,
        }, labels);
    }

    @Test
    void emptyAndFullMasks() {
        int[] labels = new int[6];
        assertEquals(0, ConnectedComponents.label(new boolean[6], 2, 3, labels, 0));
        boolean[] full = {true, true, true, true, true, true};
        assertEquals(1, ConnectedComponents.label(full, 2, 3, labels, 0));
        assertArrayEquals(new int[6], labels);
    }
}
