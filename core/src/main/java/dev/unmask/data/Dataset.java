package dev.unmask.data;

/** A fixed-size, random-access collection of examples. {@link #get} must be safe to call from several threads. */
public interface Dataset {
    /** Number of examples. */
    int size();

    /** The example at {@code index} ({@code 0 <= index < size()}); the same index always gives the same example. */
    Example get(int index);
}
