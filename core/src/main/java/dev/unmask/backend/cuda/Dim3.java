package dev.unmask.backend.cuda;

/** A CUDA launch dimension (grid in blocks, or block in threads); every component at least 1. */
public record Dim3(int x, int y, int z) {
    public Dim3 {
        if (x < 1 || y < 1 || z < 1) {
            throw new IllegalArgumentException("launch dimensions must be positive, got (" + x + ", " + y + ", " + z + ")");
        }
    }

    public static Dim3 of(int x) {
        return new Dim3(x, 1, 1);
    }

    public static Dim3 of(int x, int y) {
        return new Dim3(x, y, 1);
    }

    /** Blocks of {@code blockSize} threads that cover {@code n} elements (at least one block). */
    public static Dim3 cover(long n, int blockSize) {
        long blocks = Math.max(1, (n + blockSize - 1) / blockSize);
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(n + " elements need more than 2^31-1 blocks of " + blockSize);
        }
        return of((int) blocks);
    }
}
