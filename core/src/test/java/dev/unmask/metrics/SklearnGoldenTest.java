package dev.unmask.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Compares with scikit-learn, numpy and scipy values written by
 * {@code tools/goldens/metrics/make_sklearn_goldens.py} (see it for the oracles used).
 */
class SklearnGoldenTest {
    /** Ratios of the same integers and sums of at most a few hundred terms in [0, 1] in another order. */
    private static final double RATIO_TOLERANCE = 1e-12;
    /** scipy's brentq stops within xtol = 2e-12 (plus 4 eps relative) of the root. */
    private static final double BRENTQ_TOLERANCE = 1e-9;
    /** The virtual index (n - 1) q is rounded differently from numpy's n q + (1 - q) - 1: a few ulps of the range. */
    private static final double PERCENTILE_RELATIVE_TOLERANCE = 1e-13;

    private static JsonNode golden;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = SklearnGoldenTest.class.getResourceAsStream("/goldens/metrics/sklearn_metrics.json")) {
            assertNotNull(in, "golden file missing: run tools/goldens/metrics/make_sklearn_goldens.py");
            golden = new ObjectMapper().readTree(in);
        }
    }

    @Test
    void sampleLevelMetricsMatchScikitLearn() {
        assertEquals(4, golden.get("cases").size());
        for (JsonNode c : golden.get("cases")) {
            String name = c.get("name").asText();
            double[] scores = doubles(c.get("scores"));
            boolean[] labels = booleans(c.get("labels"));
            ThresholdSweep sweep = ThresholdSweep.of(scores, labels);

            assertEquals(c.get("roc_auc").asDouble(), sweep.auroc(), RATIO_TOLERANCE, name);
            assertEquals(c.get("average_precision").asDouble(), sweep.averagePrecision(), RATIO_TOLERANCE, name);

            RocCurve roc = sweep.rocCurve();
            assertArrayEquals(doubles(c.get("roc_fpr")), roc.falsePositiveRates(), RATIO_TOLERANCE, name);
            assertArrayEquals(doubles(c.get("roc_tpr")), roc.truePositiveRates(), RATIO_TOLERANCE, name);
            double[] thresholds = roc.thresholds();
            assertEquals(Double.POSITIVE_INFINITY, thresholds[0], name);
            assertArrayEquals(doubles(c.get("roc_thresholds_after_first")),
                    Arrays.copyOfRange(thresholds, 1, thresholds.length), name);

            PrecisionRecallCurve pr = sweep.precisionRecallCurve();
            assertArrayEquals(doubles(c.get("pr_precision")), pr.precision(), RATIO_TOLERANCE, name);
            assertArrayEquals(doubles(c.get("pr_recall")), pr.recall(), RATIO_TOLERANCE, name);
            assertArrayEquals(doubles(c.get("pr_thresholds")), pr.thresholds(), name);

            assertEquals(c.get("eer").asDouble(), sweep.equalErrorRate().rate(), BRENTQ_TOLERANCE, name);
            BestF1 best = sweep.f1Max();
            assertEquals(c.get("f1_max").asDouble(), best.f1(), RATIO_TOLERANCE, name);
            assertEquals(c.get("f1_max_threshold").asDouble(), best.threshold(), name);
        }
    }

    @Test
    void pixelMetricsMatchScikitLearnOnPooledMaps() {
        JsonNode pixel = golden.get("pixel");
        List<float[]> maps = new ArrayList<>();
        List<boolean[]> masks = new ArrayList<>();
        for (int m = 0; m < pixel.get("maps").size(); m++) {
            double[] map = doubles(pixel.get("maps").get(m));
            float[] asFloat = new float[map.length];
            for (int i = 0; i < map.length; i++) {
                // the golden holds float32 values written exactly as doubles
                asFloat[i] = (float) map[i];
            }
            maps.add(asFloat);
            masks.add(booleans(pixel.get("masks").get(m)));
        }
        assertEquals(pixel.get("roc_auc").asDouble(), PixelMetrics.auroc(maps, masks), RATIO_TOLERANCE);
        assertEquals(pixel.get("average_precision").asDouble(), PixelMetrics.averagePrecision(maps, masks), RATIO_TOLERANCE);
        BestF1 dice = PixelMetrics.bestDice(maps, masks);
        assertEquals(pixel.get("best_dice").asDouble(), dice.f1(), RATIO_TOLERANCE);
        assertEquals(pixel.get("best_dice_threshold").asDouble(), dice.threshold());
    }

    @Test
    void percentilesMatchNumpy() {
        for (JsonNode c : golden.get("percentiles")) {
            double[] values = doubles(c.get("values"));
            double range = 0;
            for (double v : values) {
                range = Math.max(range, Math.abs(v));
            }
            double[] percents = doubles(c.get("percents"));
            double[] expected = doubles(c.get("results"));
            for (int i = 0; i < percents.length; i++) {
                assertEquals(expected[i], Percentile.of(values, percents[i]), PERCENTILE_RELATIVE_TOLERANCE * range,
                        c.get("name").asText() + " at " + percents[i]);
            }
        }
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    private static boolean[] booleans(JsonNode array) {
        boolean[] out = new boolean[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt() != 0;
        }
        return out;
    }
}
