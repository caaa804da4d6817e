package dev.unmask;

import dev.unmask.detectors.DetectorFamily;

import dev.unmask.detectors.classifier.MesoNetFamily;
import dev.unmask.detectors.classifier.AutoencoderLogisticFamily;
import dev.unmask.detectors.latent.LatentRestorationFamily;
import dev.unmask.detectors.reconstruction.ReconstructionFamily;
import dev.unmask.detectors.reconstruction.VaeArchitecture;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The detector families this library knows: the built-in ones, then those found by {@link ServiceLoader} as
 * providers of {@link DetectorFamily} (a provider may not take a built-in family's model type).
 */
public final class DetectorFamilies {
    private static final List<DetectorFamily> BUILT_IN = List.of(new LatentRestorationFamily(), new MesoNetFamily(),
            new ReconstructionFamily(VaeArchitecture.OC_FAKEDECT_1), new ReconstructionFamily(VaeArchitecture.OC_FAKEDECT_2),
            new ReconstructionFamily(VaeArchitecture.RESNET18_VAE), new ReconstructionFamily(VaeArchitecture.RESNET18_VAE_ASYM),
            new AutoencoderLogisticFamily());
    private static final Map<String, DetectorFamily> BY_TYPE = discover();

    private DetectorFamilies() {
    }

    private static Map<String, DetectorFamily> discover() {
        Map<String, DetectorFamily> byType = new LinkedHashMap<>();
        for (DetectorFamily family : BUILT_IN) {
            byType.put(family.modelType(), family);
        }
        for (DetectorFamily family : ServiceLoader.load(DetectorFamily.class)) {
            byType.putIfAbsent(family.modelType(), family);
        }
        return Collections.unmodifiableMap(byType);
    }

    /** Every known family, built-in ones first. */
    public static List<DetectorFamily> all() {
        return new ArrayList<>(BY_TYPE.values());
    }

    /** The family of bundles of {@code modelType}, when one is known. */
    public static Optional<DetectorFamily> find(String modelType) {
        return Optional.ofNullable(BY_TYPE.get(modelType));
    }

    /** The known model types, for messages. */
    public static List<String> modelTypes() {
        return List.copyOf(BY_TYPE.keySet());
    }
}
