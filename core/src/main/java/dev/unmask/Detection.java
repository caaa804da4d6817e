package dev.unmask;

import dev.unmask.data.FloatImage;

import java.util.Optional;

/**
 * What a {@link Detector} says about one image.
 *
 * @param score           the raw sample score: the sum of the per-latent NLLs above lambdaS (nats; 0 when no
 *                        latent is unlikely)
 * @param normalisedScore the score mapped to [0, 1] by the bundle's calibration, 0.5 at the decision threshold
 * @param fake            the verdict: {@code normalisedScore >= 0.5}
 * @param heatMap         the restoration pixel score map, 1 x S x S at the model's input resolution (the image
 *                        resized to S x S), higher where the image was more likely changed; null unless asked
 *                        for with {@link DetectionOptions#heatMap()}
 */
public record Detection(double score, double normalisedScore, boolean fake, FloatImage heatMap) {
    public Detection {
        if (Double.isNaN(score) || !(normalisedScore >= 0 && normalisedScore <= 1)) {
            throw new IllegalArgumentException("score must not be NaN and the normalised score must be in [0, 1], got "
                    + score + ", " + normalisedScore);
        }
    }

    /** The heat-map when one was computed. */
    public Optional<FloatImage> heatMapIfComputed() {
        return Optional.ofNullable(heatMap);
    }
}
