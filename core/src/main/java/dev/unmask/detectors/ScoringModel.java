package dev.unmask.detectors;

import dev.unmask.backend.Backend;
import dev.unmask.data.FloatImage;

import java.util.List;
import java.util.Optional;

/**
 * A loaded detector of one family: what {@link dev.unmask.Detector} runs. Implementations are safe to call
 * from many threads once loaded (their modules are in evaluation mode).
 */
public interface ScoringModel {
    /** The bundle's {@code model_type}. */
    String modelType();

    /** What {@link #score} takes. */
    InputSpec inputSpec();

    /** Which way the raw score points. */
    Polarity polarity();

    /** The backend the model's tensors live on. */
    Backend backend();

    /** Whether {@link #score} makes a heat-map when asked for one. */
    default boolean makesHeatMaps() {
        return false;
    }

    /** The decision threshold and normalisation saved with the model, empty when it was never calibrated. */
    Optional<ScoreDecision> decision();

    /**
     * The model input for a decoded picture: {@code image} holds the whole picture (or a face crop) with values
     * in [-1, 1] (as {@link dev.unmask.data.ImageOps#fromBufferedImage} gives), with 1 or 3 channels; the result
     * is exactly {@link #inputSpec()}'s size, channels and range.
     */
    FloatImage preprocess(FloatImage image);

    /**
     * Scores model inputs (each exactly {@link #inputSpec()}, finite), one {@link Scored} per input, in order.
     * Runs without a graph; any tensors it creates may be freed when the caller's backend scope closes.
     */
    List<Scored> score(List<FloatImage> inputs, ScoringRequest request);
}
