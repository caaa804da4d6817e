package dev.unmask.random;

import java.util.SplittableRandom;

/**
 * Derives independent 64-bit seeds from a base seed and a list of keys (sample index, epoch, ...), so
 * every random draw depends only on what it is for, never on thread scheduling or batching.
 *
 * <p>The data pipeline keys its transforms with it, {@code nn} its dropout masks, {@code models} the
 * codebook restarts and {@code detectors} the restoration draws: it lives in its own package below all
 * of them, which depends on nothing but the JDK, so that layers which must not see one another (a model
 * never imports {@code dev.unmask.data}) share one definition of the streams.
 */
public final class Seeds {
    /** SplitMix64's odd increment, 2^64 divided by the golden ratio. */
    public static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Seeds() {
    }

    /** The SplitMix64 finaliser: a bijective avalanche mix of {@code z}. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A seed for {@code keys} under {@code seed}; different key lists give unrelated seeds. */
    public static long derive(long seed, long... keys) {
        long h = mix(seed + GOLDEN_GAMMA);
        for (long key : keys) {
            h = mix(h ^ mix(key + GOLDEN_GAMMA));
        }
        return h;
    }

    /** A permutation of {@code 0..n-1} determined by {@code seed} alone (a Fisher-Yates shuffle). */
    public static int[] permutation(int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("permutation size must be non-negative, got " + n);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
