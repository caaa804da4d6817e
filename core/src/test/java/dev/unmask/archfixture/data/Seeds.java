package dev.unmask.archfixture.data;

/** A random-stream utility left in the data package. */
public final class Seeds {
    private Seeds() {
    }

    public static long derive(long seed) {
        return seed;
    }
}
