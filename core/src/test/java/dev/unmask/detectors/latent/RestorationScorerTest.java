package dev.unmask.detectors.latent;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.random.Seeds;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestorationScorerTest {
    private static final int CLASSES = 8;
    private static final int SIDE = 8;
    private static final int POSITIONS = SIDE * SIDE;
    private static final int COPIES = 15;
    private static final Backend BACKEND = Backends.defaultBackend();

    private final ToyPrior prior = new ToyPrior(CLASSES, POSITIONS, 1.5, 11);
    private final ToyDecoder decoder = new ToyDecoder(CLASSES, 3, 2, 12);
    /** lambdaP calibrated as the design says: the 90th percentile of per-latent NLL of held-out "real" grids. */
    private final double lambdaP = LatentThresholds.fromNll(
            LatentNll.of(prior, codes(ToyData.samples(prior, POSITIONS, 20, 13), 20))).lambdaP();

    private static Tensor codes(int[] grids, int count) {
        return BACKEND.fromInts(grids, Shape.of(count, SIDE, SIDE));
    }

    private static int[] concat(int[]... grids) {
        int[] all = new int[grids.length * POSITIONS];
        for (int g = 0; g < grids.length; g++) {
            System.arraycopy(grids[g], 0, all, g * POSITIONS, POSITIONS);
        }
        return all;
    }

    private int[][] testImages(long seed) {
        return new int[][] {
                ToyData.corrupted(prior, SIDE, SIDE, 3, seed),
                ToyData.samples(prior, POSITIONS, 1, seed + 1),
                ToyData.corrupted(prior, SIDE, SIDE, 4, seed + 2)};
    }

    private RestorationScorer scorer(long seed) {
        return new RestorationScorer(prior, decoder, RestorationSettings.DEFAULTS.withSeed(seed));
    }

    /**
     * An independent statement of the algorithm for one copy: plain Java logits from the toy prior (rounded to
     * float, as the prior's tensor carries them), the NLL as -log of the normalised probability, and the draw
     * as the first k whose normalised cumulative probability exceeds the keyed uniform.
     */
    private int[] oracle(int[] input, long imageKey, int copy, long seed) {
        int[] grid = input.clone();
        for (int p = 0; p < POSITIONS; p++) {
            double[] exact = prior.logitsAt(grid, p);
            double max = Double.NEGATIVE_INFINITY;
            double[] logits = new double[CLASSES];
            for (int k = 0; k < CLASSES; k++) {
                logits[k] = (float) exact[k];
                max = Math.max(max, logits[k]);
            }
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l - max);
            }
            double nll = -Math.log(Math.exp(logits[grid[p]] - max) / sum);
            if (nll > lambdaP) {
                double u = (Seeds.derive(seed, imageKey, copy, p) >>> 11) / (double) (1L << 53);
                double cumulative = 0;
                int drawn = CLASSES - 1;
                for (int k = 0; k < CLASSES; k++) {
                    cumulative += Math.exp(logits[k] - max) / sum;
                    if (cumulative > u) {
                        drawn = k;
                        break;
                    }
                }
                grid[p] = drawn;
            }
        }
        return grid;
    }

    @Test
    void naiveScheduleFollowsTheAlgorithmCopyByCopy() {
        int[][] images = testImages(100);
        long[] keys = {7, 8, 9};
        Restoration naive = scorer(5).restore(codes(concat(images), 3), keys, lambdaP, RestorationSchedule.NAIVE);
        int changed = 0;
        for (int b = 0; b < 3; b++) {
            for (int j = 0; j < COPIES; j++) {
                int[] expected = oracle(images[b], keys[b], j, 5);
                assertArrayEquals(expected, naive.codes(b, j), "image " + b + " copy " + j);
                changed += Arrays.equals(expected, images[b]) ? 0 : 1;
            }
        }
        assertTrue(changed > COPIES, "restoration must change most copies for the test to mean something, changed " + changed);
    }

    @Test
    void fasterSchedulesEqualNaiveCodeForCodeWithFewerForwards() {
        for (long seed : new long[] {0, 1, 2}) {
            int[][] images = testImages(200 + 10 * seed);
            Tensor batch = codes(concat(images), 3);
            RestorationScorer scorer = scorer(seed);
            for (double threshold : new double[] {lambdaP, Double.NEGATIVE_INFINITY}) {
                Restoration naive = scorer.restore(batch, null, threshold, RestorationSchedule.NAIVE);
                Restoration efficient = scorer.restore(batch, null, threshold, RestorationSchedule.EFFICIENT);
                Restoration incremental = scorer.restore(batch, null, threshold, RestorationSchedule.INCREMENTAL);
                assertArrayEquals(naive.codes(), efficient.codes(), "seed " + seed + ", lambdaP " + threshold);
                assertArrayEquals(naive.codes(), incremental.codes(), "seed " + seed + ", lambdaP " + threshold);
                assertEquals(0, incremental.gridForwards());
                assertTrue(incremental.rowForwards() >= 3L * COPIES * SIDE, "a row forward per copy per row at least");
                assertEquals(3L * COPIES * POSITIONS, naive.gridForwards());
                assertEquals(POSITIONS, naive.priorCalls());
                assertTrue(efficient.gridForwards() < naive.gridForwards(), "efficient " + efficient.gridForwards());
                assertTrue(efficient.priorCalls() <= POSITIONS);
            }
        }
    }

    /** Prints the forward counts for h = w = 8, n = 15 that the report quotes, one image per call. */
    @Test
    void forwardCountsPerImage() {
        int[][] images = testImages(300);
        long naiveTotal = 0;
        long efficientTotal = 0;
        for (int[] image : images) {
            Tensor one = codes(image, 1);
            Restoration naive = scorer(0).restore(one, null, lambdaP, RestorationSchedule.NAIVE);
            Restoration efficient = scorer(0).restore(one, null, lambdaP, RestorationSchedule.EFFICIENT);
            Restoration incremental = scorer(0).restore(one, null, lambdaP, RestorationSchedule.INCREMENTAL);
            assertArrayEquals(naive.codes(), efficient.codes());
            assertArrayEquals(naive.codes(), incremental.codes());
            naiveTotal += naive.gridForwards();
            efficientTotal += efficient.gridForwards();
            System.out.printf("restoration forwards per image (h=w=%d, n=%d, K=%d, lambdaP=p90): naive %d (%d calls),"
                            + " efficient %d (%d calls), incremental %d row forwards = %.1f grid forwards (%d calls)%n",
                    SIDE, COPIES, CLASSES, naive.gridForwards(), naive.priorCalls(), efficient.gridForwards(),
                    efficient.priorCalls(), incremental.rowForwards(), incremental.gridForwardEquivalents(),
                    incremental.priorCalls());
        }
        assertTrue(4 * efficientTotal < naiveTotal, "expected at least 4x fewer forwards, naive " + naiveTotal
                + ", efficient " + efficientTotal);
    }

    @Test
    void resultsDoNotDependOnBatchSizeOrOrder() {
        int[][] images = testImages(400);
        RestorationScorer scorer = scorer(3);
        Restoration batch = scorer.restore(codes(concat(images), 3), lambdaP);
        Restoration reordered = scorer.restore(codes(concat(images[2], images[0], images[1]), 3), lambdaP);
        int[] order = {1, 2, 0};
        for (int b = 0; b < 3; b++) {
            Restoration alone = scorer.restore(codes(images[b], 1), lambdaP);
            for (int j = 0; j < COPIES; j++) {
                assertArrayEquals(batch.codes(b, j), alone.codes(0, j), "image " + b + " copy " + j + " alone");
                assertArrayEquals(batch.codes(b, j), reordered.codes(order[b], j), "image " + b + " copy " + j + " reordered");
            }
        }
        long[] keys = {41, 42, 43};
        Restoration keyed = scorer.restore(codes(concat(images), 3), keys, lambdaP, RestorationSchedule.EFFICIENT);
        Restoration keyedReordered = scorer.restore(codes(concat(images[2], images[0], images[1]), 3),
                new long[] {43, 41, 42}, lambdaP, RestorationSchedule.NAIVE);
        for (int b = 0; b < 3; b++) {
            for (int j = 0; j < COPIES; j++) {
                assertArrayEquals(keyed.codes(b, j), keyedReordered.codes(order[b], j));
            }
        }
    }

    @Test
    void repeatedCallsAgreeAndTheSeedMatters() {
        Tensor batch = codes(concat(testImages(500)), 3);
        Restoration first = scorer(9).restore(batch, lambdaP);
        assertArrayEquals(first.codes(), scorer(9).restore(batch, lambdaP).codes());
        assertNotEquals(Arrays.toString(first.codes()), Arrays.toString(scorer(10).restore(batch, lambdaP).codes()));
        Tensor images = decoder.decode(batch);
        float[] map = scorer(9).pixelScores(images, batch, lambdaP).toFloatArray();
        assertArrayEquals(map, scorer(9).pixelScores(images, batch, lambdaP).toFloatArray());
    }

    @Test
    void infiniteLambdaPRestoresNothingAndAnExactDecoderGivesAZeroMap() {
        int[][] images = testImages(600);
        Tensor batch = codes(concat(images), 3);
        for (RestorationSchedule schedule : RestorationSchedule.values()) {
            Restoration restoration = scorer(0).restore(batch, null, Double.POSITIVE_INFINITY, schedule);
            for (int b = 0; b < 3; b++) {
                for (int j = 0; j < COPIES; j++) {
                    assertArrayEquals(images[b], restoration.codes(b, j));
                }
            }
        }
        assertEquals(3, scorer(0).restore(batch, null, Double.POSITIVE_INFINITY, RestorationSchedule.EFFICIENT).gridForwards(),
                "one shared forward per image");
        Tensor map = scorer(0).pixelScores(decoder.decode(batch), batch, Double.POSITIVE_INFINITY);
        assertEquals(Shape.of(3, 1, SIDE * 2, SIDE * 2), map.shape());
        assertArrayEquals(new float[map.numel()], map.toFloatArray());
    }

    @Test
    void pixelScoresAreHighWhereTheGridWasCorrupted() {
        int[] image = ToyData.corrupted(prior, SIDE, SIDE, 4, 700);
        Tensor codes = codes(image, 1);
        float[] map = scorer(0).pixelScores(decoder.decode(codes), codes, lambdaP).toFloatArray();
        assertTrue(Arrays.stream(toDouble(map)).max().orElseThrow() > 0, "restoration must leave a residual");
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        RestorationScorer scorer = scorer(0);
        Tensor floats = BACKEND.fromFloats(new float[POSITIONS], Shape.of(1, SIDE, SIDE));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> scorer.restore(floats, lambdaP))
                .getMessage().contains("I32"));
        int[] outOfRange = new int[POSITIONS];
        outOfRange[5] = CLASSES;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> scorer.restore(codes(outOfRange, 1), lambdaP))
                .getMessage().contains("outside [0, 8)"));
        assertThrows(IllegalArgumentException.class,
                () -> scorer.restore(codes(new int[POSITIONS], 1), new long[2], lambdaP, RestorationSchedule.EFFICIENT));
        assertThrows(IllegalArgumentException.class, () -> scorer.restore(codes(new int[POSITIONS], 1), Double.NaN));
    }
}
