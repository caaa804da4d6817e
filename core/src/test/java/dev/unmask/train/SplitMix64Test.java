package dev.unmask.train;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SplitMix64 against the JDK's SplittableRandom (the same algorithm for a seed-only constructor). */
class SplitMix64Test {
    private static final int DRAWS = 1000;
    /** Chi-square quantile for 6 degrees of freedom at p = 0.001: a fair die fails once in 1000 seeds. */
    private static final double CHI_SQUARE_6_DOF_P001 = 22.46;

    @Test
    void longsAndDoublesMatchSplittableRandom() {
        for (long seed : new long[] {0, 1, -1, 42, Long.MIN_VALUE}) {
            SplitMix64 ours = SplitMix64.seeded(seed);
            SplittableRandom jdk = new SplittableRandom(seed);
            for (int i = 0; i < DRAWS; i++) {
                assertEquals(jdk.nextLong(), ours.nextLong(), "seed " + seed + " draw " + i);
            }
            SplitMix64 oursD = SplitMix64.seeded(seed);
            SplittableRandom jdkD = new SplittableRandom(seed);
            for (int i = 0; i < DRAWS; i++) {
                assertEquals(jdkD.nextDouble(), oursD.nextDouble(), "seed " + seed + " double " + i);
            }
        }
    }

    @Test
    void restoringTheStateContinuesTheSequence() {
        SplitMix64 a = SplitMix64.seeded(9);
        for (int i = 0; i < 17; i++) {
            a.nextLong();
        }
        SplitMix64 b = SplitMix64.fromState(a.state());
        for (int i = 0; i < DRAWS; i++) {
            assertEquals(a.nextLong(), b.nextLong());
        }
    }

    @Test
    void nextIntStaysInRangeAndIsRoughlyUniform() {
        int bound = 7;
        int draws = 70_000;
        int[] counts = new int[bound];
        SplitMix64 rng = SplitMix64.seeded(3);
        for (int i = 0; i < draws; i++) {
            counts[rng.nextInt(bound)]++;
        }
        double expected = (double) draws / bound;
        double chiSquare = Arrays.stream(counts).mapToDouble(c -> (c - expected) * (c - expected) / expected).sum();
        assertTrue(chiSquare < CHI_SQUARE_6_DOF_P001, "chi-square " + chiSquare + " for counts " + Arrays.toString(counts));
        assertThrows(IllegalArgumentException.class, () -> rng.nextInt(0));
    }

    @Test
    void nextFloatIsInTheUnitInterval() {
        SplitMix64 rng = SplitMix64.seeded(5);
        for (int i = 0; i < DRAWS; i++) {
            float f = rng.nextFloat();
            assertTrue(f >= 0 && f < 1, "got " + f);
        }
    }
}
