package dev.unmask.examples.cli;

import dev.unmask.Detector;
import dev.unmask.backend.Backend;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.detectors.classifier.MesoNetScoringModel;
import dev.unmask.models.mesonet.MesoNetWeights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What {@code --model} names: a pretrained model shipped with the library, or a bundle file. */
final class ModelSource {
    private ModelSource() {
    }

    /**
     * The detector {@code nameOrFile} names, on {@code backend}: a pretrained name, an official MesoNet Keras
     * weight file ({@code .h5}, deciding at 0.5 on the fake probability like the pretrained bundles), or a bundle.
     *
     * @throws IllegalArgumentException when it is neither a pretrained name nor an existing regular file
     */
    static Detector open(String nameOrFile, Backend backend) throws IOException {
        if (Detector.PRETRAINED.contains(nameOrFile.toLowerCase(Locale.ROOT))) {
            return Detector.pretrained(nameOrFile, backend);
        }
        Path file = Path.of(nameOrFile);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("model " + nameOrFile + " does not exist: it is neither a file nor a "
                    + "pretrained model (" + String.join(", ", Detector.PRETRAINED) + ")");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("model " + nameOrFile + " is not a regular file");
        }
        if (isKeras(file)) {
            return Detector.of(new MesoNetScoringModel(MesoNetWeights.load(file, backend), ScoreDecision.probability()));
        }
        return Detector.load(file, backend);
    }

    /** An official MesoNet Keras weight file, by its extension. */
    static boolean isKeras(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".h5") || name.endsWith(".hdf5");
    }

    /** The name rows give the model: the pretrained name, or the file name. */
    static String label(String nameOrFile) {
        return Detector.PRETRAINED.contains(nameOrFile.toLowerCase(Locale.ROOT))
                ? nameOrFile.toLowerCase(Locale.ROOT) : Path.of(nameOrFile).getFileName().toString();
    }
}
