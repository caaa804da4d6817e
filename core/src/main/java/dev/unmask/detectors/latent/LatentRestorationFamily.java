package dev.unmask.detectors.latent;

import dev.unmask.backend.Backend;
import dev.unmask.detectors.DetectorFamily;
import dev.unmask.detectors.ScoringModel;
import dev.unmask.io.ModelBundle;

import java.io.IOException;

/** Marimont and Tarroni's latent restoration (VQ-VAE + PixelSNAIL) as a detector family. */
public final class LatentRestorationFamily implements DetectorFamily {
    @Override
    public String modelType() {
        return LatentRestorationModel.MODEL_TYPE;
    }

    @Override
    public String description() {
        return "latent restoration (VQ-VAE + PixelSNAIL): learns from real images only; "
                + "sample score per image, restoration heat-map per pixel";
    }

    @Override
    public ScoringModel load(ModelBundle bundle, String source, Backend backend) throws IOException {
        return new LatentScoringModel(LatentRestorationModel.fromBundle(bundle, source, backend));
    }
}
