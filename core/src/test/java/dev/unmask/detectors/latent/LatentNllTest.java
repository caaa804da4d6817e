package dev.unmask.detectors.latent;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LatentNllTest {
    /** Both sides work in double on the same float logits; only the order of a few roundings differs. */
    private static final double DOUBLE_ROUNDING = 1e-12;
    private static final Backend BACKEND = Backends.defaultBackend();

    /** K = 2 with logits (0, ln 3) everywhere: p(0) = 1/4, p(1) = 3/4. */
    private static final CodePrior QUARTERS = new CodePrior() {
        @Override
        public int codebookSize() {
            return 2;
        }

        @Override
        public Tensor logits(Tensor codes) {
            int positions = codes.dim(1) * codes.dim(2);
            float[] logits = new float[codes.dim(0) * 2 * positions];
            for (int g = 0; g < codes.dim(0); g++) {
                for (int i = 0; i < positions; i++) {
                    logits[(g * 2 + 1) * positions + i] = (float) Math.log(3);
                }
            }
            return Backend.of(codes).fromFloats(logits, Shape.of(codes.dim(0), 2, codes.dim(1), codes.dim(2)));
        }
    };

    @Test
    void nllOfAHandCase() {
        Tensor codes = BACKEND.fromInts(new int[] {0, 1, 1, 0, 1, 1}, Shape.of(2, 1, 3));
        double[] nll = LatentNll.of(QUARTERS, codes);
        double log3 = (float) Math.log(3);
        double quarter = Math.log(1 + Math.exp(log3));
        double threeQuarters = quarter - log3;
        assertArrayEquals(new double[] {quarter, threeQuarters, threeQuarters, quarter, threeQuarters, threeQuarters},
                nll, DOUBLE_ROUNDING);
        assertEquals(Math.log(4), quarter, 1e-7, "float rounding of ln 3 moves ln 4 by less than 1e-7");
    }

    @Test
    void nllMatchesThePlainLogitsOfTheToyPrior() {
        ToyPrior prior = new ToyPrior(6, 12, 2.0, 3);
        int[] grids = ToyData.samples(prior, 12, 4, 4);
        double[] nll = LatentNll.of(prior, BACKEND.fromInts(grids, Shape.of(4, 3, 4)));
        for (int g = 0; g < 4; g++) {
            int[] grid = Arrays.copyOfRange(grids, g * 12, (g + 1) * 12);
            for (int i = 0; i < 12; i++) {
                double[] logits = prior.logitsAt(grid, i);
                double sum = 0;
                for (double l : logits) {
                    sum += Math.exp((float) l);
                }
                double expected = Math.log(sum) - (float) logits[grid[i]];
                assertEquals(expected, nll[g * 12 + i], DOUBLE_ROUNDING * Math.max(1, Math.abs(expected)), "grid " + g + " position " + i);
            }
        }
    }

    @Test
    void nllEqualsTheRestorationsPerPositionNllBitForBit() {
        // lambda_p is a percentile of these values and the restoration compares CategoricalDraw.nll against
        // it: the two must agree exactly, not within rounding
        int classes = 37;
        int positions = 5 * 7;
        SplittableRandom random = new SplittableRandom(11);
        float[] logits = new float[3 * classes * positions];
        for (int j = 0; j < logits.length; j++) {
            logits[j] = (float) (random.nextGaussian() * 4 + (j % 5 == 0 ? 30 : 0));
        }
        int[] codes = random.ints(3 * positions, 0, classes).toArray();
        CodePrior fixed = new CodePrior() {
            @Override
            public int codebookSize() {
                return classes;
            }

            @Override
            public Tensor logits(Tensor grid) {
                return Backend.of(grid).fromFloats(logits, Shape.of(3, classes, 5, 7));
            }
        };
        double[] nll = LatentNll.of(fixed, BACKEND.fromInts(codes, Shape.of(3, 5, 7)));
        for (int b = 0; b < 3; b++) {
            for (int i = 0; i < positions; i++) {
                int latent = b * positions + i;
                assertEquals(CategoricalDraw.nll(logits, b * classes * positions + i, classes, positions, codes[latent]),
                        nll[latent], 0.0, "grid " + b + " position " + i);
            }
        }
    }

    @Test
    void sampleScoreSumsTheLatentsAboveLambdaS() {
        double[] nll = {0.5, 2.0, 3.0, 1.0, 7.0};
        assertEquals(2.0 + 3.0, SampleScore.of(nll, 0, 4, 1.0), "1.0 itself is not above lambdaS");
        assertEquals(3.0 + 7.0, SampleScore.of(nll, 2, 3, 2.0));
        assertEquals(0, SampleScore.of(nll, 0, 5, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> SampleScore.of(nll, 3, 3, 0));

        Tensor codes = BACKEND.fromInts(new int[] {0, 0, 1, 1, 1, 1, 1, 0}, Shape.of(2, 2, 2));
        double quarter = Math.log(1 + Math.exp((float) Math.log(3)));
        assertArrayEquals(new double[] {2 * quarter, quarter}, SampleScore.of(QUARTERS, codes, 1.0), DOUBLE_ROUNDING);
    }

    @Test
    void thresholdsArePercentilesOfRealNll() {
        double[] nll = {4, 1, 3, 2};
        // sorted 1, 2, 3, 4; index (n - 1) q / 100: 2.94 for q = 98, 2.7 for q = 90, 1.5 for q = 50
        LatentThresholds defaults = LatentThresholds.fromNll(nll);
        assertEquals(3.94, defaults.lambdaS(), 1e-12);
        assertEquals(3.7, defaults.lambdaP(), 1e-12);
        LatentThresholds custom = LatentThresholds.fromNll(nll, 50, 100);
        assertEquals(2.5, custom.lambdaS(), 1e-12);
        assertEquals(4, custom.lambdaP());
        assertArrayEquals(new double[] {4, 1, 3, 2}, nll, "input not modified");
        assertThrows(IllegalArgumentException.class, () -> new LatentThresholds(Double.NaN, 1));
    }

    @Test
    void aPriorReturningTheWrongShapeIsNamed() {
        CodePrior broken = new CodePrior() {
            @Override
            public int codebookSize() {
                return 3;
            }

            @Override
            public Tensor logits(Tensor codes) {
                return Backend.of(codes).fromFloats(new float[codes.numel() * 2], Shape.of(codes.dim(0), 2, codes.dim(1), codes.dim(2)));
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LatentNll.of(broken, BACKEND.fromInts(new int[4], Shape.of(1, 2, 2))));
        assertEquals("the prior returned F32 [1, 2, 2, 2] for codes [1, 2, 2]; expected F32 [1, 3, 2, 2]", e.getMessage());
    }
}
