package dev.unmask.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The synthetic anomalies of {@link SynthAnomalies}, in the manner of the MOOD challenge's toy anomalies;
 * see {@link SynthAnomalies#sample(long, AnomalyKind)} for each recipe. The order of the constants is part of
 * the definition of the random streams (new kinds go at the end).
 */
public enum AnomalyKind {
    /** A uniform patch of one bright colour (every channel at 8-bit level 200..255). */
    BRIGHT_PATCH,
    /** A uniform patch of one dark colour (every channel at 8-bit level 0..55). */
    DARK_PATCH,
    /** Gaussian noise added to the region, independently per pixel and channel. */
    NOISE_PATCH,
    /** The region's content moved by a smooth displacement field (swirl or bulge) that fades to 0 at its edge. */
    DEFORMATION,
    /** Stripes, a checkerboard or a patch of another face, pasted with a hard edge. */
    FOREIGN_TEXTURE;

    /**
     * The kind named {@code name}, ignoring case and accepting '-' for '_' ({@code "bright-patch"} is
     * {@link #BRIGHT_PATCH}).
     *
     * @throws IllegalArgumentException naming the valid kinds when none matches
     */
    public static AnomalyKind fromName(String name) {
        String wanted = name == null ? "" : name.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (AnomalyKind kind : values()) {
            if (kind.name().equals(wanted)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown anomaly kind '" + name + "'; known: " + Arrays.stream(values())
                .map(k -> k.name().toLowerCase(Locale.ROOT).replace('_', '-')).collect(Collectors.joining(", ")));
    }
}
