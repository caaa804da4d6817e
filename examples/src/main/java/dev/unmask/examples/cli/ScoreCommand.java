package dev.unmask.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unmask.Detection;
import dev.unmask.DetectionOptions;
import dev.unmask.Detector;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageFileException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Scores image files with a calibrated bundle: one row per image (file, score, normalised score, verdict). */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score images with a calibrated model; write one row per image to a CSV or JSON file.")
final class ScoreCommand implements Callable<Integer> {
    private static final int BATCH = 16;

    @Option(names = {"-m", "--model"}, required = true, description = "calibrated model bundle (.safetensors)")
    Path model;

    @Option(names = {"-o", "--output"}, required = true, description = "scores.csv or scores.json")
    Path output;

    @Parameters(arity = "1..*", paramLabel = "FILES-OR-FOLDERS", description = "images, or folders searched recursively")
    List<Path> inputs;

    @Option(names = "--heatmaps", description = "folder for heat-map overlay PNGs (runs restoration: slower)")
    Path heatmaps;

    @Mixin
    ScoringOverrides overrides = new ScoringOverrides();

    @Option(names = "--backend", description = "cpu, cpu-reference or cuda (default: ${DEFAULT-VALUE})")
    String backend = "cpu";

    @Override
    public Integer call() throws IOException {
        String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean json = name.endsWith(".json");
        if (!json && !name.endsWith(".csv")) {
            throw new IllegalArgumentException("--output must end in .csv or .json, got " + output);
        }
        List<Path> files = ImageInputs.collect(inputs);
        PrintStream err = System.err;
        DetectionOptions options = overrides.options(heatmaps != null);
        if (heatmaps != null) {
            Files.createDirectories(heatmaps);
        }
        List<Path> scored = new ArrayList<>();
        List<Detection> detections = new ArrayList<>();
        int failed = 0;
        try (Detector detector = Detector.load(model, backend)) {
            ProgressBar.Counter progress = ProgressBar.Counter.forOutput(err, "images", files.size());
            int reported = 0;
            List<Path> pendingFiles = new ArrayList<>();
            List<FloatImage> pending = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                try {
                    pending.add(detector.read(file));
                    pendingFiles.add(file);
                } catch (ImageFileException e) {
                    err.println("skipped: " + e.getMessage());
                    failed++;
                }
                if (pending.size() == BATCH || i == files.size() - 1) {
                    List<Detection> got = pending.isEmpty() ? List.of() : detector.detectAll(pending, options);
                    for (int k = 0; k < got.size(); k++) {
                        if (heatmaps != null) {
                            writeHeatMap(pending.get(k), got.get(k), pendingFiles.get(k));
                        }
                    }
                    scored.addAll(pendingFiles);
                    detections.addAll(got);
                    pending.clear();
                    pendingFiles.clear();
                    progress.advance(i + 1 - reported);
                    reported = i + 1;
                }
            }
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(output, json ? toJson(scored, detections) : toCsv(scored, detections), StandardCharsets.UTF_8);
        err.println("wrote " + detections.size() + " rows to " + output + (failed > 0 ? "; " + failed + " files skipped" : ""));
        return failed > 0 ? 1 : 0;
    }

    private void writeHeatMap(FloatImage image, Detection d, Path file) {
        float[] map = d.heatMap().data();
        float[] range = HeatMaps.range(List.of(map));
        String base = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        HeatMaps.writePng(HeatMaps.overlay(image, map, range[0], range[1]), heatmaps.resolve(base + "-heatmap.png"));
    }

    /** One RFC 4180 record per image; a file name holding a comma, a quote or a line break is quoted. */
    static String toCsv(List<Path> files, List<Detection> detections) {
        CSVFormat format = CSVFormat.RFC4180.builder().setRecordSeparator("\n")
                .setHeader("file", "score", "normalised_score", "verdict").get();
        StringBuilder out = new StringBuilder();
        try (CSVPrinter printer = new CSVPrinter(out, format)) {
            for (int i = 0; i < files.size(); i++) {
                Detection d = detections.get(i);
                printer.printRecord(files.get(i).toString(), String.format(Locale.ROOT, "%.6f", d.score()),
                        String.format(Locale.ROOT, "%.6f", d.normalisedScore()), d.fake() ? "fake" : "real");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing CSV to memory failed", e);
        }
        return out.toString();
    }

    static String toJson(List<Path> files, List<Detection> detections) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode rows = mapper.createArrayNode();
        for (int i = 0; i < files.size(); i++) {
            Detection d = detections.get(i);
            ObjectNode row = rows.addObject();
            row.put("file", files.get(i).toString());
            row.put("score", d.score());
            row.put("normalised_score", d.normalisedScore());
            row.put("verdict", d.fake() ? "fake" : "real");
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(rows) + "\n";
    }
}
