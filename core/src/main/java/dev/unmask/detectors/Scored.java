package dev.unmask.detectors;

import dev.unmask.data.FloatImage;

/**
 * One image's result from a {@link ScoringModel}: the family's raw output, the heat-map where asked for and
 * available, and extra outputs.
 *
 * @param rawScore the family's own output (its {@link Polarity} says which way is fake); finite
 * @param heatMap  1 x H x W at the model's input resolution, higher where more likely changed, or null
 * @param outputs  typed extra outputs, {@link Outputs#NONE} when there are none
 */
public record Scored(double rawScore, FloatImage heatMap, Outputs outputs) {
    public Scored {
        if (!Double.isFinite(rawScore)) {
            throw new IllegalStateException("the model produced the non-finite score " + rawScore
                    + " (a poisoned model or input); refusing to give a verdict");
        }
        if (outputs == null) {
            throw new IllegalArgumentException("outputs must not be null (use Outputs.NONE)");
        }
    }

    public static Scored of(double rawScore) {
        return new Scored(rawScore, null, Outputs.NONE);
    }
}
