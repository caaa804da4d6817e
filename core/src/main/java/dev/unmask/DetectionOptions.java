package dev.unmask;

import dev.unmask.detectors.FamilyOptions;
import dev.unmask.detectors.ScoringRequest;

/**
 * Per-call choices of a {@link Detector}. {@link #DEFAULTS}: no heat-map, seed 0, no family options.
 *
 * @param heatMap       whether to compute the family's heat-map where it has one (latent restoration runs
 *                      restoration: about {@code h * w} prior passes over 15 copies per image, far more expensive
 *                      than the score alone)
 * @param seed          base of the family's random stream (latent restoration's resampling)
 * @param familyOptions options of one family, e.g. {@link dev.unmask.detectors.latent.LatentOptions}, or null;
 *                      other families ignore them
 */
public record DetectionOptions(boolean heatMap, long seed, FamilyOptions familyOptions) {
    public static final DetectionOptions DEFAULTS = new DetectionOptions(false, 0, null);

    public DetectionOptions withHeatMap(boolean value) {
        return new DetectionOptions(value, seed, familyOptions);
    }

    public DetectionOptions withSeed(long value) {
        return new DetectionOptions(heatMap, value, familyOptions);
    }

    public DetectionOptions with(FamilyOptions value) {
        return new DetectionOptions(heatMap, seed, value);
    }

    ScoringRequest request() {
        return new ScoringRequest(heatMap, seed, familyOptions);
    }
}
