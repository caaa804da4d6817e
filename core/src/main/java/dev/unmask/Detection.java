package dev.unmask;

import dev.unmask.data.FloatImage;
import dev.unmask.detectors.OutputKey;
import dev.unmask.detectors.Outputs;
import dev.unmask.faces.FaceBox;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a {@link Detector} says about one image or one face, the same shape for every detector family.
 *
 * @param modelType       the bundle's {@code model_type} ({@code "latent-restoration"}, {@code "mesonet"}, ...)
 * @param rawScore        the family's own output: latent restoration's sample score (nats), MesoNet's
 *                        probability of being real, ... (see the family's polarity)
 * @param normalisedScore the suspicion mapped to [0, 1] by the bundle's decision, 0.5 at the threshold (for
 *                        MesoNet's pretrained bundles: the probability of being fake)
 * @param fake            the verdict: {@code normalisedScore >= 0.5}
 * @param heatMap         1 x H x W at the model's input resolution, higher where the image was more likely
 *                        changed; null unless asked for and the family makes one
 * @param box             the face's box in the image when faces were found, else null
 * @param frame           the video frame index, or -1 for a still image
 * @param outputs         the family's typed extra outputs ({@link #output})
 */
public record Detection(String modelType, double rawScore, double normalisedScore, boolean fake, FloatImage heatMap,
                        FaceBox box, int frame, Outputs outputs) {
    public Detection {
        if (modelType == null || outputs == null) {
            throw new IllegalArgumentException("modelType and outputs must not be null");
        }
        if (!Double.isFinite(rawScore) || !(normalisedScore >= 0 && normalisedScore <= 1)) {
            throw new IllegalArgumentException("the raw score must be finite and the normalised score in [0, 1], got "
                    + rawScore + ", " + normalisedScore);
        }
        if (frame < -1) {
            throw new IllegalArgumentException("frame must be -1 (no video) or an index, got " + frame);
        }
    }

    /** The heat-map when one was computed. */
    public Optional<FloatImage> heatMapIfComputed() {
        return Optional.ofNullable(heatMap);
    }

    /** The face box when this detection is of a face found in a larger picture. */
    public Optional<FaceBox> faceBox() {
        return Optional.ofNullable(box);
    }

    /** The frame index when this detection is of a video frame. */
    public OptionalInt videoFrame() {
        return frame < 0 ? OptionalInt.empty() : OptionalInt.of(frame);
    }

    /** An extra output of the family, when it produced one. */
    public <T> Optional<T> output(OutputKey<T> key) {
        return outputs.get(key);
    }

    /** This detection placed in a picture ({@code box}) or a video frame. */
    public Detection at(FaceBox faceBox, int frameIndex) {
        return new Detection(modelType, rawScore, normalisedScore, fake, heatMap, faceBox, frameIndex, outputs);
    }
}
