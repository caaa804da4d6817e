package dev.unmask.detectors;

/**
 * Per-call choices handed to a {@link ScoringModel}.
 *
 * @param heatMap       whether to compute a heat-map (families that cannot make one ignore it)
 * @param seed          base of any random stream the scoring uses (latent restoration's resampling)
 * @param familyOptions options of one family (e.g. latent restoration's lambda overrides), or null; a family
 *                      ignores options of another family's type
 */
public record ScoringRequest(boolean heatMap, long seed, FamilyOptions familyOptions) {
    public static final ScoringRequest DEFAULTS = new ScoringRequest(false, 0, null);

    /** The family options when they are of {@code type}, else null. */
    public <T extends FamilyOptions> T options(Class<T> type) {
        return type.isInstance(familyOptions) ? type.cast(familyOptions) : null;
    }
}
