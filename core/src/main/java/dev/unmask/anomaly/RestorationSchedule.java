package dev.unmask.anomaly;

/** How {@link RestorationScorer#restore} runs the prior; both give the same codes, code for code. */
public enum RestorationSchedule {
    /** One prior forward of every copy at every position: h * w passes of n copies per image. */
    NAIVE,
    /**
     * A forward only for the copies whose grid changed since their last forward, batched into one prior
     * call per position; copies still identical to each other share one forward.
     */
    EFFICIENT
}
