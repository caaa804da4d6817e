package dev.unmask.tensor;

import java.util.Arrays;

/**
 * An immutable list of dimension sizes. Storage is always contiguous and row-major, so the strides
 * follow from the dimensions. A rank-0 shape is a scalar with one element.
 */
public final class Shape {
    private final int[] dims;
    private final int numel;

    private Shape(int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
            }
        }
        this.dims = dims;
        this.numel = (int) n;
    }

    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    public static Shape scalar() {
        return new Shape(new int[0]);
    }

    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return dims[normaliseAxis(axis)];
    }

    /** A copy of the dimension sizes. */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public int numel() {
        return numel;
    }

    /** Row-major strides in elements. */
    public int[] strides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** Maps a possibly negative axis into [0, rank), failing with a message that names the shape. */
    public int normaliseAxis(int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " out of range for shape " + this);
        }
        return a;
    }

    /**
     * This shape seen as {@code [outer, extent, inner]} around one axis: the three loops of every op that works
     * along an axis (reductions, softmax, argmax, slice, concat).
     *
     * @param axis a possibly negative axis
     * @throws IllegalArgumentException when the axis is out of range
     */
    public AxisSplit splitAt(int axis) {
        int a = normaliseAxis(axis);
        return new AxisSplit(a, numel(0, a), dims[a], numel(a + 1, dims.length));
    }

    /**
     * A shape around one axis: element {@code (o, j, i)} sits at {@code (o * extent + j) * inner + i}.
     *
     * @param axis the normalised axis, in [0, rank)
     * @param outer product of the dimensions before the axis
     * @param extent the axis's own size
     * @param inner product of the dimensions after the axis
     */
    public record AxisSplit(int axis, int outer, int extent, int inner) {
    }

    /** Product of the dimensions in [from, to). */
    public int numel(int from, int to) {
        int n = 1;
        for (int i = from; i < to; i++) {
            n *= dims[i];
        }
        return n;
    }

    /** This shape with dimension {@code axis} replaced by {@code size}. */
    public Shape withDim(int axis, int size) {
        int[] d = dims.clone();
        d[normaliseAxis(axis)] = size;
        return new Shape(d);
    }

    /** NumPy broadcasting: dimensions are aligned from the right and must be equal or 1. */
    public static Shape broadcast(Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
            int db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + a + " and " + b + " cannot be broadcast together");
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
