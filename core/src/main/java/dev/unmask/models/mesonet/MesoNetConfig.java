package dev.unmask.models.mesonet;

/**
 * What it takes to rebuild a {@link MesoNet}: its architecture and the dropout probability of the two
 * dropout layers of its classifier (0.5 in the official models; 0 gives a deterministic training step).
 * Everything else is fixed by the architecture.
 */
public record MesoNetConfig(MesoNetArchitecture architecture, float dropout) {
    /** The official models' dropout probability. */
    public static final float DEFAULT_DROPOUT = 0.5f;

    public MesoNetConfig {
        if (architecture == null) {
            throw new IllegalArgumentException("MesoNetConfig: the architecture must be given");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("MesoNetConfig: dropout must be in [0, 1), got " + dropout);
        }
    }

    /** The official configuration of {@code architecture} (dropout 0.5). */
    public static MesoNetConfig of(MesoNetArchitecture architecture) {
        return new MesoNetConfig(architecture, DEFAULT_DROPOUT);
    }
}
