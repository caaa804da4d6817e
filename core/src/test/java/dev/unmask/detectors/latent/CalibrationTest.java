package dev.unmask.detectors.latent;

import dev.unmask.metrics.DecisionThreshold;
import dev.unmask.metrics.ScoreNormaliser;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CalibrationTest {
    private static final double[] REAL_SCORES = {1, 2, 3, 4, 5};
    private static final boolean[] ALL_REAL = new boolean[5];

    @Test
    void fitKeepsTheDecisionAtHalf() {
        // the 50th percentile of 1..5 is 3; the normaliser spans [1, 5]
        Calibration calibration = Calibration.fit(new LatentThresholds(2.5, 1.5),
                DecisionThreshold.percentileOfReal(REAL_SCORES, ALL_REAL, 50), REAL_SCORES);
        assertEquals(new ScoreNormaliser(1, 3, 5), calibration.normaliser());
        assertEquals(2.5, calibration.lambdaS());
        assertEquals(1.5, calibration.lambdaP());
        assertTrue(calibration.isFake(3));
        assertFalse(calibration.isFake(Math.nextDown(3.0)));
        assertEquals(0.5, calibration.normalise(3));
        assertEquals(0.25, calibration.normalise(2));
        assertEquals(0.75, calibration.normalise(4));
    }

    @Test
    void jsonRoundTripIsExactIncludingNonFiniteValues() {
        Calibration[] cases = {
                Calibration.fit(new LatentThresholds(0.1 + 0.2, Double.POSITIVE_INFINITY),
                        DecisionThreshold.percentileOfReal(REAL_SCORES, ALL_REAL, 95), REAL_SCORES),
                Calibration.fit(new LatentThresholds(Math.PI, Math.E), DecisionThreshold.manual(2.75), REAL_SCORES),
                Calibration.fit(new LatentThresholds(7, 3), DecisionThreshold.f1Max(new double[] {1, 2, 3}, new boolean[] {false, true, true}),
                        REAL_SCORES)};
        for (Calibration calibration : cases) {
            String json = calibration.toJson();
            assertEquals(calibration, Calibration.fromJson(json), json);
        }
        assertTrue(cases[0].toJson().contains("\"lambdaP\":\"Infinity\""), cases[0].toJson());
    }

    @Test
    void malformedJsonIsRejectedWithTheReason() {
        String good = Calibration.fit(new LatentThresholds(2, 1), DecisionThreshold.manual(3), REAL_SCORES).toJson();
        assertMessage("lacks the field 'lambdaS'", good.replace("\"lambdaS\"", "\"lambdaX\""));
        assertMessage("unsupported calibration version 2", good.replace("\"version\":1", "\"version\":2"));
        assertMessage("expected \"unmask-calibration\"", good.replace("unmask-calibration", "other"));
        assertMessage("unknown threshold method 'GUESS'", good.replace("MANUAL", "GUESS"));
        assertMessage("'lambdaP' is not a number", good.replace("\"lambdaP\":1.0", "\"lambdaP\":\"one\""));
        assertMessage("not valid JSON", good.replace("\"lambdaP\":1.0", "\"lambdaP\":1.0,\"lambdaP\":2.0"));
        assertMessage("not valid JSON", "{");
        assertMessage("must be an object", "[1]");
    }

    private static void assertMessage(String part, String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Calibration.fromJson(json), json);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void normaliserMustAgreeWithTheThreshold() {
        assertThrows(IllegalArgumentException.class, () -> new Calibration(new LatentThresholds(1, 1),
                DecisionThreshold.manual(2), new ScoreNormaliser(0, 3, 5)));
        assertThrows(IllegalArgumentException.class, () -> new Calibration(null,
                DecisionThreshold.manual(2), new ScoreNormaliser(0, 2, 5)));
    }
}
