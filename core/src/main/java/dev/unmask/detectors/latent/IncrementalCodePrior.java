package dev.unmask.detectors.latent;

import dev.unmask.tensor.Tensor;

/**
 * A {@link CodePrior} that can also compute its logits one row of the grid at a time, keeping what it
 * computed for the rows above (PixelSNAIL through {@code PixelSnail.incremental}); the
 * {@link RestorationSchedule#INCREMENTAL} schedule uses it.
 */
public interface IncrementalCodePrior extends CodePrior {
    /** A fresh evaluator for {@code grids} grids, none of whose rows is computed yet. */
    Rows rows(int grids);

    /**
     * Row-by-row logits of a fixed set of grids, numbered {@code [0, grids)}.
     *
     * <p>Contract: row y of grid g can be computed once its rows 0 .. y - 1 have been, and only while the
     * codes they were computed from are unchanged, except the last code of each row (no logit of a row
     * depends on that row's last code); computing row y discards the rows below it. Row y can be computed
     * again from column c > 0 on, keeping columns &lt; c, when only the code at (y, c - 1) and later ones
     * changed since. The logits equal row y of {@link CodePrior#logits} of the current grids bit for bit, so
     * that restoration with them agrees code for code with the other schedules.
     */
    interface Rows {
        /**
         * @param row        in [0, h)
         * @param fromColumn in [0, w): the first column computed
         * @param ids        distinct grid numbers
         * @param codes      I32 [ids.length, h, w], the current codes of those grids
         * @return F32 [ids.length, K, w - fromColumn]: row {@code row} of the logits from column
         *         {@code fromColumn} on, on the backend of {@code codes}
         */
        Tensor rowLogits(int row, int fromColumn, int[] ids, Tensor codes);
    }
}
