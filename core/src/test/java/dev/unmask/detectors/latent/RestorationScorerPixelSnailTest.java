package dev.unmask.detectors.latent;

import dev.unmask.autograd.NoGrad;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.models.pixelsnail.PixelSnail;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The INCREMENTAL schedule on a real (tiny, untrained, evaluation-mode) PixelSNAIL against the NAIVE
 * schedule, the oracle: the same codes, code for code, for several seeds, thresholds and batches.
 */
class RestorationScorerPixelSnailTest {
    private static final int HEIGHT = 5;
    private static final int WIDTH = 6;
    private static final int POSITIONS = HEIGHT * WIDTH;
    private static final int CLASSES = 6;
    private static final int COPIES = 4;
    private static final int IMAGES = 3;
    private static final Backend BACKEND = Backends.defaultBackend();

    /** A PixelSNAIL seen as the anomaly package sees a model's prior (as LatentRestorationModel.prior() does). */
    private static IncrementalCodePrior prior(PixelSnail model) {
        return new IncrementalCodePrior() {
            @Override
            public int codebookSize() {
                return model.config().classes();
            }

            @Override
            public Tensor logits(Tensor codes) {
                try (NoGrad scope = NoGrad.enter()) {
                    return model.logits(codes).value();
                }
            }

            @Override
            public Rows rows(int grids) {
                return model.incremental(grids)::rowLogits;
            }
        };
    }

    private static PixelSnail model(boolean attention, long seed) {
        PixelSnailConfig config = new PixelSnailConfig(HEIGHT, WIDTH, CLASSES, 8, 5, 2, 1, 8, attention, 0.1, 2);
        PixelSnail model = new PixelSnail(config, new ParameterInit(Backends.defaultBackend(), seed));
        model.eval();
        return model;
    }

    private static Tensor images(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] codes = new int[IMAGES * POSITIONS];
        Arrays.setAll(codes, i -> rng.nextInt(CLASSES));
        return BACKEND.fromInts(codes, Shape.of(IMAGES, HEIGHT, WIDTH));
    }

    @Test
    void incrementalEqualsNaiveCodeForCode() {
        for (boolean attention : new boolean[] {true, false}) {
            IncrementalCodePrior prior = prior(model(attention, attention ? 1 : 2));
            Tensor batch = images(3);
            double[] nll = LatentNll.of(prior, batch);
            double median = Arrays.stream(nll).sorted().toArray()[nll.length / 2];
            for (long seed : new long[] {0, 1, 2}) {
                RestorationScorer scorer = new RestorationScorer(prior, new ToyDecoder(CLASSES, 3, 2, 12),
                        new RestorationSettings(COPIES, 1, 3, 3, 7, seed));
                for (double lambdaP : new double[] {median, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY}) {
                    for (long[] keys : new long[][] {null, {5, 6, 7}}) {
                        String label = "attention " + attention + ", seed " + seed + ", lambdaP " + lambdaP + ", keys "
                                + Arrays.toString(keys);
                        Restoration naive = scorer.restore(batch, keys, lambdaP, RestorationSchedule.NAIVE);
                        Restoration incremental = scorer.restore(batch, keys, lambdaP, RestorationSchedule.INCREMENTAL);
                        assertArrayEquals(naive.codes(), incremental.codes(), label);
                        if (lambdaP == Double.NEGATIVE_INFINITY) {
                            assertTrue(changed(naive, batch) > POSITIONS, "every code is redrawn: " + label);
                        }
                        long rowsAtLeast = (long) IMAGES * COPIES * HEIGHT;
                        assertTrue(incremental.rowForwards() >= rowsAtLeast, label);
                        if (lambdaP == Double.POSITIVE_INFINITY) {
                            assertEquals(rowsAtLeast, incremental.rowForwards(), "one forward per row: " + label);
                            assertEquals(rowsAtLeast * WIDTH, incremental.rowPositions(), label);
                        }
                    }
                }
            }
        }
    }

    private static int changed(Restoration restoration, Tensor input) {
        int[] in = input.toIntArray();
        int[] out = restoration.codes();
        int count = 0;
        for (int i = 0; i < out.length; i++) {
            count += out[i] != in[(i / (COPIES * POSITIONS)) * POSITIONS + i % POSITIONS] ? 1 : 0;
        }
        return count;
    }

    /** pixelScores runs the incremental schedule for an incremental prior, and the efficient one otherwise. */
    @Test
    void pixelScoresUseTheFastestScheduleThePriorSupports() {
        IncrementalCodePrior prior = prior(model(true, 4));
        int[] rowEvaluators = new int[1];
        int[] logitCalls = new int[1];
        IncrementalCodePrior counted = new IncrementalCodePrior() {
            @Override
            public int codebookSize() {
                return CLASSES;
            }

            @Override
            public Tensor logits(Tensor codes) {
                logitCalls[0]++;
                return prior.logits(codes);
            }

            @Override
            public Rows rows(int grids) {
                rowEvaluators[0]++;
                return prior.rows(grids);
            }
        };
        CodePrior plain = new CodePrior() {
            @Override
            public int codebookSize() {
                return CLASSES;
            }

            @Override
            public Tensor logits(Tensor codes) {
                logitCalls[0]++;
                return prior.logits(codes);
            }
        };
        assertEquals(RestorationSchedule.INCREMENTAL, RestorationSchedule.fastest(counted));
        assertEquals(RestorationSchedule.EFFICIENT, RestorationSchedule.fastest(plain));
        RestorationSettings settings = new RestorationSettings(COPIES, 1, 3, 3, 7, 0);
        ToyDecoder decoder = new ToyDecoder(CLASSES, 3, 2, 12);
        Tensor batch = images(5);
        Tensor decoded = decoder.decode(batch);
        float[] incremental = new RestorationScorer(counted, decoder, settings).pixelScores(decoded, batch, 0.5)
                .toFloatArray();
        assertEquals(1, rowEvaluators[0]);
        assertEquals(0, logitCalls[0]);
        float[] efficient = new RestorationScorer(plain, decoder, settings).pixelScores(decoded, batch, 0.5)
                .toFloatArray();
        assertTrue(logitCalls[0] > 0);
        assertArrayEquals(efficient, incremental);

        RestorationScorer plainScorer = new RestorationScorer(plain, decoder, settings);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> plainScorer.restore(batch, null, 0.5, RestorationSchedule.INCREMENTAL)).getMessage()
                .contains("IncrementalCodePrior"));
    }
}
