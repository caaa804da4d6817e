package dev.unmask.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsReportTest {
    /** Expectations are short sums of simple fractions: a few ulps of rounding at most. */
    private static final double EXACT = 1e-15;

    private static final double[] SCORES = {0.5, 0.9, 0.2, 0.8, 0.5, 0.8, 0.5};
    private static final boolean[] LABELS = {true, true, false, true, false, false, false};

    @Test
    void reportCollectsEveryMetric() {
        MetricsReport r = MetricsReport.of(SCORES, LABELS, 0.5);
        assertEquals(7, r.samples());
        assertEquals(3, r.positives());
        assertEquals(4, r.negatives());
        assertEquals(9.5 / 12, r.auroc(), EXACT);
        assertEquals(13.0 / 18, r.averagePrecision(), EXACT);
        assertEquals(0.3, r.equalErrorRate(), EXACT);
        assertEquals(0.5, r.eerThreshold());
        assertEquals(2.0 / 3, r.f1Max(), EXACT);
        assertEquals(0.8, r.f1MaxThreshold());
        assertEquals(0.5, r.threshold());
        assertEquals(4.0 / 7, r.accuracy(), EXACT);
        assertEquals(0.5, r.precision(), EXACT);
        assertEquals(1, r.recall(), EXACT);
        assertEquals(2.0 / 3, r.f1(), EXACT);
    }

    @Test
    void singleClassSubsetsReportNaNInsteadOfThrowing() {
        MetricsReport realsOnly = MetricsReport.of(new double[] {0.1, 0.7}, new boolean[] {false, false}, 0.5);
        assertTrue(Double.isNaN(realsOnly.auroc()));
        assertTrue(Double.isNaN(realsOnly.averagePrecision()));
        assertTrue(Double.isNaN(realsOnly.equalErrorRate()));
        assertTrue(Double.isNaN(realsOnly.f1Max()));
        assertEquals(0.5, realsOnly.accuracy());
        MetricsReport fakesOnly = MetricsReport.of(new double[] {0.1, 0.7}, new boolean[] {true, true}, 0.5);
        assertTrue(Double.isNaN(fakesOnly.auroc()));
        assertEquals(1, fakesOnly.averagePrecision());
        assertEquals(1, fakesOnly.f1Max());
    }

    @Test
    void perGroupSharesUnkeyedSamplesWithEveryGroup() {
        // reals have no method; each method is judged against all reals
        double[] scores = {0.1, 0.3, 0.6, 0.9, 0.2, 0.8};
        boolean[] labels = {false, false, true, true, true, true};
        String[] methods = {null, null, "FaceSwap", "Deepfakes", "FaceSwap", "Deepfakes"};
        Map<String, MetricsReport> reports = MetricsReport.perGroup(scores, labels, methods, 0.5);
        assertEquals(List.of("Deepfakes", "FaceSwap"), List.copyOf(reports.keySet()));
        MetricsReport deepfakes = reports.get("Deepfakes");
        assertEquals(4, deepfakes.samples());
        assertEquals(1, deepfakes.auroc());
        MetricsReport faceSwap = reports.get("FaceSwap");
        assertEquals(2, faceSwap.positives());
        assertEquals(2, faceSwap.negatives());
        // FaceSwap 0.6 beats both reals, 0.2 beats 0.1 only: 3 of 4 pairs
        assertEquals(0.75, faceSwap.auroc(), EXACT);
        assertEquals(MetricsReport.of(new double[] {0.6, 0.2, 0.1, 0.3}, new boolean[] {true, true, false, false}, 0.5), faceSwap);
    }

    @Test
    void tablePrintsOneRowPerGroupAndDashesForNaN() {
        Map<String, MetricsReport> reports = MetricsReport.perGroup(
                new double[] {0.1, 0.9, 0.4}, new boolean[] {false, true, false}, new String[] {"easy", "easy", "hard"}, 0.5);
        String table = MetricsReport.formatTable(reports);
        String[] lines = table.split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[0].startsWith("group") && lines[0].contains("AUROC"), lines[0]);
        assertTrue(lines[1].startsWith("easy") && lines[1].contains("1.0000"), lines[1]);
        assertTrue(lines[2].startsWith("hard") && lines[2].contains(" -"), lines[2]);
    }

    @Test
    void badGroupKeysAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> MetricsReport.perGroup(SCORES, LABELS, new String[] {"a"}, 0.5));
        assertThrows(IllegalArgumentException.class,
                () -> MetricsReport.of(SCORES, LABELS, Double.NaN));
    }
}
