package dev.unmask.data;

/**
 * Derives independent 64-bit seeds from a base seed and a list of keys (sample index, epoch, ...), so
 * every random draw of the data pipeline depends only on what it is for, never on thread scheduling.
 */
public final class Seeds {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

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
}
