package dev.unmask.detectors.latent;

/** How {@link RestorationScorer#restore} runs the prior; all give the same codes, code for code. */
public enum RestorationSchedule {
    /** One prior forward of every copy at every position: h * w passes of n copies per image. */
    NAIVE,
    /**
     * A forward only for the copies whose grid changed since their last forward, batched into one prior
     * call per position; copies still identical to each other share one forward.
     */
    EFFICIENT,
    /**
     * Row by row with an {@link IncrementalCodePrior}: a row forward of every copy at the start of each
     * row, and one more of a copy's row, from the next column on, after each position where it drew a new
     * code (except the row's last position), batched into one call per position; each row forward reuses
     * the copy's cached rows above. About h + (resampled codes) / 2 row forwards' worth of positions per
     * copy instead of a full forward per resampled code. With PixelSNAIL a row forward costs more than its
     * share of positions: its attention runs the fused op over every position up to the row (the op takes
     * as many queries as keys), and each call packs the weights again.
     */
    INCREMENTAL;

    /** The fastest schedule {@code prior} supports: INCREMENTAL for an {@link IncrementalCodePrior}, else EFFICIENT. */
    public static RestorationSchedule fastest(CodePrior prior) {
        return prior instanceof IncrementalCodePrior ? INCREMENTAL : EFFICIENT;
    }
}
