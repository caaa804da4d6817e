package dev.unmask.examples.cli;

import dev.unmask.Detection;
import dev.unmask.DetectionOptions;
import dev.unmask.DetectionRow;
import dev.unmask.Detector;
import dev.unmask.FaceFinding;
import dev.unmask.backend.Backend;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageFileException;
import dev.unmask.faces.FaceCrop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Scores images with any detector: a pretrained one by name or a bundle file. One {@link DetectionRow} per
 * image, streamed to the output as it is computed; unreadable images get a row with their error.
 */
@Command(name = "detect", aliases = "score", mixinStandardHelpOptions = true,
        description = "Detect manipulated faces with a pretrained model (meso4-df, meso4-f2f, mesoinception-df, "
                + "mesoinception-f2f) or a model bundle; one row per image (file, model, raw score, normalised score "
                + "(for MesoNet the fake probability), verdict). 'score' is another name for this command.")
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

    @Option(names = "--heatmaps", paramLabel = "DIR",
            description = "folder for heat-map overlay PNGs, at the inputs' relative paths (latent restoration: runs "
                    + "restoration, much slower)")
    Path heatmaps;

    @Option(names = "--faces", description = "find faces in each image (OpenCV's frontal Haar cascade) and score "
            + "each face on its own crop: one row per face, a 'no face found' row for an image without one; without "
            + "it an image is taken to be a face crop and scored whole")
    boolean faces;

    @Option(names = "--crop-scale", description = "with --faces: the square crop's side over the face box's longer "
            + "side (default: ${DEFAULT-VALUE})")
    double cropScale = FaceCrop.DEFAULT_SCALE;

    @Mixin
    ScoringOverrides overrides = new ScoringOverrides();

    @Mixin
    BackendOption backendOption = new BackendOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<ImageInputs.Input> files = ImageInputs.collectWithRelativePaths(inputs);
        PrintWriter err = spec.commandLine().getErr();
        DetectionOptions options = overrides.options(heatmaps != null);
        List<Path> protectedFiles = new ArrayList<>(files.stream().map(ImageInputs.Input::file).toList());
        protectedFiles.add(Path.of(model));
        int skipped = 0;
        int fake = 0;
        try (RowWriter out = RowWriter.open(output, spec.commandLine().getOut(), protectedFiles);
             Backend backend = backendOption.create();
             Detector detector = ModelSource.open(model, backend)) {
            String label = ModelSource.label(model);
            if (heatmaps != null) {
                if (!detector.model().makesHeatMaps()) {
                    throw new IllegalArgumentException("--heatmaps: " + detector.modelType() + " models make no heat-map");
                }
                Files.createDirectories(heatmaps);
            }
            if (faces) {
                if (heatmaps != null) {
                    throw new IllegalArgumentException("--heatmaps cannot be combined with --faces");
                }
                FaceFinding finding = FaceFinding.defaults().withCropScale(cropScale);
                Progress.Counter progress = Progress.counter(System.err, "images", files.size());
                int faceCount = 0;
                for (ImageInputs.Input input : files) {
                    String file = input.file().toString();
                    try {
                        List<Detection> found = detector.detectFaces(input.file(), finding, options);
                        if (found.isEmpty()) {
                            out.write(DetectionRow.noFace(file, -1, label));
                        }
                        for (Detection d : found) {
                            out.write(DetectionRow.of(file, d).withModel(label));
                            fake += d.fake() ? 1 : 0;
                        }
                        faceCount += found.size();
                    } catch (ImageFileException e) {
                        out.write(DetectionRow.failure(file, label, e.getMessage()));
                        err.println("skipped: " + ErrorMessages.describe(e));
                        skipped++;
                    }
                    progress.advance(1);
                }
                err.println(String.format(Locale.ROOT, "%s: %d faces in %d images (%d fake, %d real)%s; %d rows written to %s",
                        label, faceCount, files.size() - skipped, fake, faceCount - fake,
                        skipped > 0 ? ", " + skipped + " skipped" : "", out.rows(), out.target()));
                return skipped > 0 ? UnmaskCommand.FAILURE : 0;
            }
            Progress.Counter progress = Progress.counter(System.err, "images", files.size());
            int reported = 0;
            List<ImageInputs.Input> pendingFiles = new ArrayList<>();
            List<FloatImage> pending = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                ImageInputs.Input input = files.get(i);
                try {
                    pending.add(detector.read(input.file()));
                    pendingFiles.add(input);
                } catch (ImageFileException e) {
                    out.write(DetectionRow.failure(input.file().toString(), label, e.getMessage()));
                    err.println("skipped: " + ErrorMessages.describe(e));
                    skipped++;
                }
                if (pending.size() == BATCH || i == files.size() - 1) {
                    List<Detection> got = pending.isEmpty() ? List.of() : detector.detectAll(pending, options);
                    for (int k = 0; k < got.size(); k++) {
                        out.write(DetectionRow.of(pendingFiles.get(k).file().toString(), got.get(k)).withModel(label));
                        if (heatmaps != null) {
                            writeHeatMap(pending.get(k), got.get(k), pendingFiles.get(k).relative());
                        }
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

    private void writeHeatMap(FloatImage input, Detection d, Path relative) {
        float[] map = d.heatMap().data();
        float[] range = HeatMaps.range(List.of(map));
        String name = relative.toString().replaceFirst("\\.[^./]*$", "") + "-heatmap.png";
        Path file = heatmaps.resolve(name);
        HeatMaps.writePng(HeatMaps.overlay(input, map, range[0], range[1]), file);
    }
}
