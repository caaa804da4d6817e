package dev.unmask.detectors;

import dev.unmask.backend.Backend;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.ModelBundleException;

import java.io.IOException;

/**
 * One kind of detector, found by the {@code model_type} of its bundles. Implementations are stateless and
 * listed in {@link dev.unmask.DetectorFamilies} (built in) or as a {@link java.util.ServiceLoader} provider of this
 * interface.
 */
public interface DetectorFamily {
    /** The {@code model_type} of this family's bundles. */
    String modelType();

    /** One line for listings: what the family learns from and outputs. */
    String description();

    /**
     * Builds the model from a validated bundle of this family's type, onto {@code backend}; {@code source} names
     * the bundle (a path, a resource) in messages.
     *
     * @throws ModelBundleException naming the bundle and the first problem (config, shapes, missing tensors)
     * @throws IOException when a tensor cannot be read
     */
    ScoringModel load(ModelBundle bundle, String source, Backend backend) throws IOException;
}
