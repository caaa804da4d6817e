package dev.unmask.detectors.latent;

import dev.unmask.backend.Backend;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.Arrays;

/**
 * Restored code grids of a batch of images and what restoring them cost.
 *
 * <p>{@code gridForwards} counts full prior forwards per grid (copies x passes): a prior call on a batch of G
 * grids counts G. {@code rowForwards} counts row forwards of one grid the same way
 * ({@link IncrementalCodePrior.Rows}, schedule INCREMENTAL), whole rows or rows from a column on, and
 * {@code rowPositions} the positions they computed. {@code priorCalls} counts calls of
 * {@link CodePrior#logits} and {@link IncrementalCodePrior.Rows#rowLogits}.
 */
public final class Restoration {
    private final int images;
    private final int copies;
    private final int height;
    private final int width;
    private final int[] codes;
    private final long priorCalls;
    private final long gridForwards;
    private final long rowForwards;
    private final long rowPositions;

    Restoration(int images, int copies, int height, int width, int[] codes, long priorCalls, long gridForwards,
                long rowForwards, long rowPositions) {
        this.images = images;
        this.copies = copies;
        this.height = height;
        this.width = width;
        this.codes = codes;
        this.priorCalls = priorCalls;
        this.gridForwards = gridForwards;
        this.rowForwards = rowForwards;
        this.rowPositions = rowPositions;
    }

    public int images() {
        return images;
    }

    public int copies() {
        return copies;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** A copy of all restored codes, row-major [images, copies, h, w]. */
    public int[] codes() {
        return codes.clone();
    }

    /** A copy of the restored grid of one copy of one image, row-major [h, w]. */
    public int[] codes(int image, int copy) {
        int positions = height * width;
        int from = (image * copies + copy) * positions;
        return Arrays.copyOfRange(codes, from, from + positions);
    }

    /** All restored grids as an I32 tensor [images * copies, h, w] on {@code backend}, image-major. */
    public Tensor toTensor(Backend backend) {
        return backend.fromInts(codes, Shape.of(images * copies, height, width));
    }

    /** Calls of the prior. */
    public long priorCalls() {
        return priorCalls;
    }

    /** Whole grids run through the prior, summed over calls (copies x passes). */
    public long gridForwards() {
        return gridForwards;
    }

    /** Single rows of a grid (whole, or from a column on) run through the prior, summed over calls. */
    public long rowForwards() {
        return rowForwards;
    }

    /** Positions those row forwards computed. */
    public long rowPositions() {
        return rowPositions;
    }

    /**
     * {@code gridForwards + rowPositions / (h w)}: the work in whole-grid units, counting positions computed;
     * it leaves out what a row forward costs beyond its positions (see {@link RestorationSchedule#INCREMENTAL}).
     */
    public double gridForwardEquivalents() {
        return gridForwards + rowPositions / (double) (height * width);
    }
}
