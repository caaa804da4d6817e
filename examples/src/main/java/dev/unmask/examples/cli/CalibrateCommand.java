package dev.unmask.examples.cli;

import dev.unmask.LatentRestorationModel;
import dev.unmask.LatentRestorationTraining;
import dev.unmask.anomaly.Calibration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Calibrates a bundle on held-out real images and writes the calibrated bundle. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Calibrate lambda_s, lambda_p and the decision threshold on held-out real images.")
final class CalibrateCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, description = "model bundle to calibrate")
    Path model;

    @Option(names = {"-o", "--output"}, description = "calibrated bundle (default: overwrite --model)")
    Path output;

    @Parameters(arity = "1..*", paramLabel = "REAL-FILES-OR-FOLDERS", description = "held-out real images")
    List<Path> inputs;

    @Override
    public Integer call() throws Exception {
        LatentRestorationModel m = LatentRestorationModel.load(model);
        List<Path> files = ImageInputs.collect(inputs);
        System.err.println("calibrating on " + files.size() + " real images");
        Calibration c = LatentRestorationTraining.calibrate(m, ImageInputs.readAll(files, m.channels(), m.imageSize()), 32);
        Path target = output != null ? output : model;
        m.save(target);
        System.out.printf(Locale.ROOT, "lambda_s %.4f, lambda_p %.4f, threshold %.4f (%s); wrote %s%n",
                c.lambdaS(), c.lambdaP(), c.threshold().value(), c.threshold().method(), target);
        return 0;
    }
}
