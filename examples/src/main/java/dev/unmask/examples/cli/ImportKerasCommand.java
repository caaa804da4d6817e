package dev.unmask.examples.cli;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.detectors.classifier.MesoNetFamily;
import dev.unmask.models.mesonet.MesoNet;
import dev.unmask.models.mesonet.MesoNetWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Converts an official MesoNet Keras weight file into a model bundle (how the pretrained bundles are made). */
@Command(name = "import-keras", mixinStandardHelpOptions = true,
        description = "Convert official MesoNet Keras weights (.h5) into a model bundle that decides at 0.5 on the "
                + "fake probability.")
final class ImportKerasCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "WEIGHTS.h5", description = "Meso4_*.h5 or MesoInception_*.h5")
    Path weights;

    @Option(names = {"-o", "--output"}, required = true, description = "bundle to write (.safetensors)")
    Path output;

    @Option(names = "--source", description = "provenance written into the bundle (default: the file name)")
    String source;

    @Option(names = "--license", description = "licence of the weights written into the bundle (default: ${DEFAULT-VALUE})")
    String license = "Apache-2.0";

    @Override
    public Integer call() throws Exception {
        OutputFiles.refuseOverwriting(output, List.of(weights));
        try (Backend backend = Backends.require("cpu")) {
            MesoNet model = MesoNetWeights.load(weights, backend);
            Map<String, String> provenance = new LinkedHashMap<>();
            provenance.put("source", source != null ? source : weights.getFileName().toString());
            provenance.put("license", license);
            OutputFiles.createParent(output);
            MesoNetFamily.save(model, ScoreDecision.probability(), provenance, output);
            System.err.println("wrote " + model.architecture().title() + " from " + weights + " to " + output);
        }
        return 0;
    }
}
