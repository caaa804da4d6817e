package dev.unmask.train;

import dev.unmask.random.Seeds;

/**
 * A small deterministic random generator whose whole state is one {@code long}, so a checkpoint can
 * save and restore it exactly (unlike {@link java.util.SplittableRandom}, whose state is hidden).
 *
 * <p>The algorithm is Steele, Lea and Flood's SplitMix64: the state advances by the odd constant
 * {@code 0x9e3779b97f4a7c15} and each output is the new state through a 64-bit mixing function
 * (Stafford's variant 13, {@link Seeds#mix}). It passes BigCrush and is the generator {@code SplittableRandom} is built on.
 * Not thread-safe.
 */
public final class SplitMix64 {
    /** 2^-53: turns the top 53 bits of a long into a double in [0, 1). */
    private static final double DOUBLE_UNIT = 0x1.0p-53;
    /** 2^-24: turns the top 24 bits into a float in [0, 1). */
    private static final float FLOAT_UNIT = 0x1.0p-24f;

    private long state;

    private SplitMix64(long state) {
        this.state = state;
    }

    /** A generator seeded with {@code seed}: the same seed always gives the same sequence. */
    public static SplitMix64 seeded(long seed) {
        return new SplitMix64(seed);
    }

    /** A generator that continues exactly where the one whose {@link #state()} this was left off. */
    public static SplitMix64 fromState(long state) {
        return new SplitMix64(state);
    }

    /** The whole state: {@code fromState(state())} produces the same values as this generator from now on. */
    public long state() {
        return state;
    }

    /** The next 64 uniformly distributed bits. */
    public long nextLong() {
        state += Seeds.GOLDEN_GAMMA;
        return Seeds.mix(state);
    }

    /** A uniform int in {@code [0, bound)}, without modulo bias (rejection of the short last interval). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        while (true) {
            int bits = (int) (nextLong() >>> 33);
            int value = bits % bound;
            // accept unless bits fell in the incomplete interval at the top of [0, 2^31)
            if (bits - value + (bound - 1) >= 0) {
                return value;
            }
        }
    }

    /** A uniform double in {@code [0, 1)} with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * DOUBLE_UNIT;
    }

    /** A uniform float in {@code [0, 1)} with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * FLOAT_UNIT;
    }
}
