package dev.unmask.detectors.reconstruction;

import dev.unmask.backend.Backend;
import dev.unmask.detectors.DetectorFamily;
import dev.unmask.io.MessageText;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.ModelBundleException;

import java.io.IOException;

/** One {@link VaeArchitecture} as a detector family: bundles of its {@code model_type}, scored by reconstruction. */
public final class ReconstructionFamily implements DetectorFamily {
    private final VaeArchitecture architecture;

    public ReconstructionFamily(VaeArchitecture architecture) {
        if (architecture == null) {
            throw new IllegalArgumentException("architecture must not be null");
        }
        this.architecture = architecture;
    }

    @Override
    public String modelType() {
        return architecture.modelType();
    }

    @Override
    public String description() {
        String score = architecture == VaeArchitecture.OC_FAKEDECT_2 ? "RMSE(mu(x), mu2(x')) per image"
                : "RMSE(x, x') per image";
        String model = switch (architecture) {
            case OC_FAKEDECT_1 -> "OC-FakeDect-1 (convolutional VAE)";
            case OC_FAKEDECT_2 -> "OC-FakeDect-2 (convolutional VAE with a second encoder)";
            case RESNET18_VAE -> "ResNet-18 VAE (symmetric)";
            case RESNET18_VAE_ASYM -> "ResNet-18 VAE (torchvision encoder, light decoder)";
        };
        return model + ": learns from real images only; " + score + ", residual heat-map per pixel";
    }

    @Override
    public ReconstructionScoringModel load(ModelBundle bundle, String source, Backend backend) throws IOException {
        ReconstructionModel model = ReconstructionModel.fromBundle(bundle, source, backend);
        if (model.architecture() != architecture) {
            throw new ModelBundleException(MessageText.refusal(source, "holds a " + model.architecture().modelType()
                    + " model, expected " + architecture.modelType()));
        }
        return new ReconstructionScoringModel(model);
    }
}
