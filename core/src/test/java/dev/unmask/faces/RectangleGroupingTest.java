package dev.unmask.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** groupRectangles on cases worked out by hand from OpenCV's rules (eps 0.2 throughout). */
class RectangleGroupingTest {
    private static final double EPS = 0.2;

    @Test
    void similarWindowsBecomeTheirRoundedMean() {
        // pairwise deltas 0.2 * (20 + 20) / 2 = 4 or more; every edge within it
        List<FaceBox> windows = List.of(new FaceBox(10, 10, 20, 20), new FaceBox(11, 10, 20, 21),
                new FaceBox(12, 12, 22, 22));
        // means 11, 10.67, 20.67, 21
        assertEquals(List.of(new FaceBox(11, 11, 21, 21)), RectangleGrouping.group(windows, 2, EPS));
        assertEquals(List.of(), RectangleGrouping.group(windows, 3, EPS), "3 members are not more than 3");
    }

    @Test
    void meansRoundHalfToEven() {
        List<FaceBox> windows = List.of(new FaceBox(10, 13, 20, 20), new FaceBox(11, 14, 20, 20));
        assertEquals(List.of(new FaceBox(10, 14, 20, 20)), RectangleGrouping.group(windows, 1, EPS));
    }

    @Test
    void similarityIsTakenTransitively() {
        // A ~ B and B ~ C (x differs by 4 = delta), A and C differ by 8
        List<FaceBox> windows = List.of(new FaceBox(0, 0, 20, 20), new FaceBox(8, 0, 20, 20), new FaceBox(4, 0, 20, 20));
        assertEquals(List.of(new FaceBox(4, 0, 20, 20)), RectangleGrouping.group(windows, 2, EPS));
        List<FaceBox> apart = List.of(new FaceBox(0, 0, 20, 20), new FaceBox(5, 0, 20, 20));
        assertEquals(List.of(), RectangleGrouping.group(apart, 1, EPS), "x differs by 5 > delta 4");
    }

    @Test
    void weakGroupsInsideStrongOnesAreDropped() {
        FaceBox big = new FaceBox(100, 100, 50, 50);
        FaceBox small = new FaceBox(108, 110, 20, 20);
        // the big group's box widened by round(0.2 * 50) = 10 holds the small one
        List<FaceBox> twoSmall = List.of(big, big, big, big, big, small, small);
        assertEquals(List.of(big), RectangleGrouping.group(twoSmall, 1, EPS), "2 members (< 3) inside 5");
        List<FaceBox> fourEach = List.of(big, small, big, small, big, small, big, small);
        assertEquals(List.of(big, small), RectangleGrouping.group(fourEach, 1, EPS),
                "4 inside 4: not more than max(3, 4)");
        List<FaceBox> fiveSmallFourBig = List.of(small, big, small, big, small, big, small, big, small);
        assertEquals(List.of(small, big), RectangleGrouping.group(fiveSmallFourBig, 1, EPS), "groups in first-member order");
    }

    @Test
    void thresholdZeroReturnsTheWindowsUngrouped() {
        List<FaceBox> windows = List.of(new FaceBox(1, 2, 30, 30), new FaceBox(1, 2, 30, 30), new FaceBox(3, 2, 30, 31));
        assertEquals(windows, RectangleGrouping.group(windows, 0, EPS));
    }

    @Test
    void clippingKeepsTheInsideAndDropsTheRest() {
        List<FaceBox> boxes = List.of(new FaceBox(-5, 10, 20, 20), new FaceBox(90, 95, 20, 20),
                new FaceBox(100, 0, 10, 10), new FaceBox(3, 4, 5, 6));
        assertEquals(List.of(new FaceBox(0, 10, 15, 20), new FaceBox(90, 95, 10, 5), new FaceBox(3, 4, 5, 6)),
                RectangleGrouping.clip(boxes, 100, 100));
    }

    @Test
    void intersectionOverUnion() {
        FaceBox a = new FaceBox(0, 0, 10, 10);
        assertEquals(1.0, a.iou(a));
        assertEquals(50.0 / 150.0, a.iou(new FaceBox(5, 0, 10, 10)), 1e-15);
        assertEquals(25.0 / 100.0, a.iou(new FaceBox(2, 2, 5, 5)), 1e-15);
        assertEquals(0.0, a.iou(new FaceBox(10, 0, 10, 10)));
    }
}
