package dev.unmask.examples.cli;

import dev.unmask.Detection;
import dev.unmask.DetectionOptions;
import dev.unmask.DetectionRow;
import dev.unmask.Detector;
import dev.unmask.backend.Backend;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageFileException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Scores images with any detector: a pretrained one by name or a bundle file. One {@link DetectionRow} per
 * image, streamed to the output as it is computed; unreadable images get a row with their error.
 */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Detect manipulated faces with a pretrained model (meso4-df, meso4-f2f, mesoinception-df, "
                + "mesoinception-f2f) or a model bundle; one row per image (file, model, raw score, fake "
                + "probability or normalised score, verdict).")
final class DetectCommand implements Callable<Integer> {
    private static final int BATCH = 16;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "NAME-OR-FILE",
            description = "a pretrained model's name or a model bundle (.safetensors)")
    String model;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "scores.csv, scores.json, or - for standard output (default: ${DEFAULT-VALUE})")
    String output = "-";

    @Parameters(arity = "1..*", paramLabel = "FILES-OR-FOLDERS", description = "images, or folders searched recursively")
    List<Path> inputs;

    @Mixin
    BackendOption backendOption = new BackendOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<Path> files = ImageInputs.collect(inputs);
        PrintWriter err = spec.commandLine().getErr();
        List<Path> protectedFiles = new ArrayList<>(files);
        protectedFiles.add(Path.of(model));
        int skipped = 0;
        int fake = 0;
        try (RowWriter out = RowWriter.open(output, spec.commandLine().getOut(), protectedFiles);
             Backend backend = backendOption.create();
             Detector detector = ModelSource.open(model, backend)) {
            String label = ModelSource.label(model);
            Progress.Counter progress = Progress.counter(System.err, "images", files.size());
            int reported = 0;
            List<Path> pendingFiles = new ArrayList<>();
            List<FloatImage> pending = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                try {
                    pending.add(detector.read(file));
                    pendingFiles.add(file);
                } catch (ImageFileException e) {
                    out.write(DetectionRow.failure(file.toString(), label, e.getMessage()));
                    err.println("skipped: " + ErrorMessages.describe(e));
                    skipped++;
                }
                if (pending.size() == BATCH || i == files.size() - 1) {
                    List<Detection> got = pending.isEmpty() ? List.of() : detector.detectAll(pending, DetectionOptions.DEFAULTS);
                    for (int k = 0; k < got.size(); k++) {
                        DetectionRow row = DetectionRow.of(pendingFiles.get(k).toString(), got.get(k)).withModel(label);
                        out.write(row);
                        fake += got.get(k).fake() ? 1 : 0;
                    }
                    pending.clear();
                    pendingFiles.clear();
                    progress.advance(i + 1 - reported);
                    reported = i + 1;
                }
            }
            int scored = files.size() - skipped;
            err.println(String.format(Locale.ROOT, "%s: %d images scored (%d fake, %d real)%s; %d rows written to %s",
                    label, scored, fake, scored - fake, skipped > 0 ? ", " + skipped + " skipped" : "", out.rows(),
                    out.target()));
        }
        return skipped > 0 ? UnmaskCommand.FAILURE : 0;
    }
}
