package dev.unmask.examples.cli;

import dev.unmask.Detection;
import dev.unmask.DetectionOptions;
import dev.unmask.DetectionRow;
import dev.unmask.Detector;
import dev.unmask.FaceFinding;
import dev.unmask.FrameDetections;
import dev.unmask.VideoOptions;
import dev.unmask.VideoScoring;
import dev.unmask.backend.Backend;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageFileException;
import dev.unmask.faces.FaceCrop;
import dev.unmask.video.FrameSampling;
import dev.unmask.video.VideoInfo;
import dev.unmask.video.VideoVerdict;
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
 * Scores images and videos with any detector: a pretrained one by name or a bundle file. One {@link DetectionRow}
 * per image (per face with {@code --faces}), and per video one row per face per sampled frame and one for the
 * whole video, streamed to the output as they are computed; inputs that cannot be read get a row with their error.
 */
@Command(name = "detect", aliases = "score", mixinStandardHelpOptions = true,
        description = "Detect manipulated faces with a pretrained model (meso4-df, meso4-f2f, mesoinception-df, "
                + "mesoinception-f2f) or a model bundle; one row per image (file, model, raw score, normalised score "
                + "(for MesoNet the fake probability), verdict); for a video (.mp4, .m4v, .mov; H.264) one row per "
                + "face per sampled frame and one for the whole video. 'score' is another name for this command.")
final class DetectCommand implements Callable<Integer> {
    private static final int BATCH = 16;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "NAME-OR-FILE",
            description = "a pretrained model's name or a model bundle (.safetensors)")
    String model;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "scores.csv, scores.json, or - for standard output (default: ${DEFAULT-VALUE})")
    String output = "-";

    @Parameters(arity = "1..*", paramLabel = "FILES-OR-FOLDERS-OR-VIDEOS",
            description = "images, videos, or folders searched recursively")
    List<Path> inputs;

    @Option(names = "--heatmaps", paramLabel = "DIR",
            description = "folder for heat-map overlay PNGs, at the inputs' relative paths (latent restoration: runs "
                    + "restoration, much slower)")
    Path heatmaps;

    @Option(names = "--faces", description = "find faces in each image (OpenCV's frontal Haar cascade) and score "
            + "each face on its own crop: one row per face, a 'no face found' row for an image without one; without "
            + "it an image is taken to be a face crop and scored whole. Videos always get face finding.")
    boolean faces;

    @Option(names = "--crop-scale", description = "with --faces and for videos: the square crop's side over the face "
            + "box's longer side (default: ${DEFAULT-VALUE})")
    double cropScale = FaceCrop.DEFAULT_SCALE;

    @Option(names = "--every-nth", paramLabel = "N", description = "videos: score frames 0, N, 2N, ... (default: every "
            + "frame)")
    Integer everyNth;

    @Option(names = "--fps", paramLabel = "X", description = "videos: score about X frames per second of video (the "
            + "first frame at or after each multiple of 1/X seconds)")
    Double fps;

    @Option(names = "--timeline", paramLabel = "DIR", description = "folder for a PNG per video, at the inputs' relative "
            + "paths: the frame scores over time with the threshold")
    Path timeline;

    @Mixin
    ScoringOverrides overrides = new ScoringOverrides();

    @Mixin
    BackendOption backendOption = new BackendOption();

    @Spec
    CommandSpec spec;

    /** What was scored, for the closing line. */
    private static final class Tally {
        int images;
        int faces;
        int fake;
        int videos;
        int fakeVideos;
        int skipped;
    }

    @Override
    public Integer call() throws IOException {
        FrameSampling sampling = sampling();
        List<ImageInputs.Input> files = ImageInputs.collectWithRelativePaths(inputs, true);
        PrintWriter err = spec.commandLine().getErr();
        DetectionOptions options = overrides.options(heatmaps != null);
        List<Path> protectedFiles = new ArrayList<>(files.stream().map(ImageInputs.Input::file).toList());
        protectedFiles.add(Path.of(model));
        Tally tally = new Tally();
        try (RowWriter out = RowWriter.open(output, spec.commandLine().getOut(), protectedFiles);
             Backend backend = backendOption.create();
             Detector detector = ModelSource.open(model, backend)) {
            String label = ModelSource.label(model);
            if (heatmaps != null) {
                if (!detector.model().makesHeatMaps()) {
                    throw new IllegalArgumentException("--heatmaps: " + detector.modelType() + " models make no heat-map");
                }
                if (faces) {
                    throw new IllegalArgumentException("--heatmaps cannot be combined with --faces");
                }
                Files.createDirectories(heatmaps);
            }
            if (timeline != null) {
                Files.createDirectories(timeline);
            }
            FaceFinding finding = FaceFinding.defaults().withCropScale(cropScale);
            VideoOptions videoOptions = VideoOptions.defaults().withSampling(sampling).withFinding(finding)
                    .withDetection(overrides.options(false));
            Progress.Counter progress = Progress.counter(System.err, "files", files.size());
            List<ImageInputs.Input> pendingFiles = new ArrayList<>();
            List<FloatImage> pending = new ArrayList<>();
            for (ImageInputs.Input input : files) {
                if (ImageInputs.isVideo(input.file())) {
                    if (heatmaps != null) {
                        throw new IllegalArgumentException("--heatmaps cannot be combined with videos: " + input.file());
                    }
                    flush(detector, options, pending, pendingFiles, out, label, tally);
                    scoreVideo(detector, videoOptions, input, out, label, tally, err);
                } else if (faces) {
                    scoreFaces(detector, finding, options, input, out, label, tally, err);
                } else {
                    try {
                        pending.add(detector.read(input.file()));
                        pendingFiles.add(input);
                    } catch (ImageFileException e) {
                        skip(input, e, out, label, tally, err);
                    }
                    if (pending.size() == BATCH) {
                        flush(detector, options, pending, pendingFiles, out, label, tally);
                    }
                }
                progress.advance(1);
            }
            flush(detector, options, pending, pendingFiles, out, label, tally);
            List<String> parts = new ArrayList<>();
            if (tally.images > 0 || tally.videos == 0) {
                parts.add(faces ? String.format(Locale.ROOT, "%d faces in %d images (%d fake, %d real)", tally.faces,
                        tally.images, tally.fake, tally.faces - tally.fake)
                        : String.format(Locale.ROOT, "%d images scored (%d fake, %d real)", tally.images, tally.fake,
                        tally.images - tally.fake));
            }
            if (tally.videos > 0) {
                parts.add(String.format(Locale.ROOT, "%d videos (%d fake)", tally.videos, tally.fakeVideos));
            }
            err.println(String.format(Locale.ROOT, "%s: %s%s; %d rows written to %s", label, String.join(", ", parts),
                    tally.skipped > 0 ? ", " + tally.skipped + " skipped" : "", out.rows(), out.target()));
        }
        return tally.skipped > 0 ? UnmaskCommand.FAILURE : 0;
    }

    private FrameSampling sampling() {
        if (everyNth != null && fps != null) {
            throw new IllegalArgumentException("--every-nth and --fps cannot be combined");
        }
        if (everyNth != null && everyNth < 1) {
            throw new IllegalArgumentException("--every-nth must be at least 1, got " + everyNth);
        }
        if (fps != null && !(fps > 0 && Double.isFinite(fps))) {
            throw new IllegalArgumentException("--fps must be positive, got " + fps);
        }
        return everyNth != null ? FrameSampling.everyNth(everyNth)
                : fps != null ? FrameSampling.perSecond(fps) : FrameSampling.everyFrame();
    }

    /** Scores the images read so far in one batch. */
    private void flush(Detector detector, DetectionOptions options, List<FloatImage> pending,
                       List<ImageInputs.Input> pendingFiles, RowWriter out, String label, Tally tally) {
        if (pending.isEmpty()) {
            return;
        }
        List<Detection> got = detector.detectAll(pending, options);
        for (int k = 0; k < got.size(); k++) {
            out.write(DetectionRow.of(pendingFiles.get(k).file().toString(), got.get(k)).withModel(label));
            if (heatmaps != null) {
                writeHeatMap(pending.get(k), got.get(k), pendingFiles.get(k).relative());
            }
            tally.fake += got.get(k).fake() ? 1 : 0;
            tally.images++;
        }
        pending.clear();
        pendingFiles.clear();
    }

    private void scoreFaces(Detector detector, FaceFinding finding, DetectionOptions options, ImageInputs.Input input,
                            RowWriter out, String label, Tally tally, PrintWriter err) {
        String file = input.file().toString();
        try {
            List<Detection> found = detector.detectFaces(input.file(), finding, options);
            if (found.isEmpty()) {
                out.write(DetectionRow.noFace(file, -1, label));
            }
            for (Detection d : found) {
                out.write(DetectionRow.of(file, d).withModel(label));
                tally.fake += d.fake() ? 1 : 0;
            }
            tally.faces += found.size();
            tally.images++;
        } catch (ImageFileException e) {
            skip(input, e, out, label, tally, err);
        }
    }

    /**
     * One row per face per sampled frame (a "no face found" row for a frame without one), then the video's row;
     * a video that cannot be decoded gets an error row after the rows of the frames it gave.
     */
    private void scoreVideo(Detector detector, VideoOptions options, ImageInputs.Input input, RowWriter out,
                            String label, Tally tally, PrintWriter err) throws IOException {
        String file = input.file().toString();
        List<Double> seconds = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        VideoVerdict verdict;
        try {
            verdict = new VideoScoring(detector, options).score(input.file(), new VideoScoring.Listener() {
                private Progress.Counter frames;
                private int done;

                @Override
                public void opened(VideoInfo info) {
                    frames = Progress.counter(System.err, "frames of " + input.relative(), info.frames());
                }

                @Override
                public void frame(FrameDetections f) {
                    if (f.faces().isEmpty()) {
                        out.write(DetectionRow.noFace(file, f.frame(), label));
                    }
                    for (int i = 0; i < f.faces().size(); i++) {
                        out.write(DetectionRow.ofTrack(file, f.faces().get(i), f.tracks().get(i)).withModel(label));
                    }
                    f.mostSuspicious().ifPresent(d -> {
                        seconds.add(f.seconds());
                        scores.add(d.normalisedScore());
                    });
                    frames.advance(f.frame() + 1 - done);
                    done = f.frame() + 1;
                }
            });
        } catch (IOException | ImageFileException e) {
            out.write(DetectionRow.failure(file, label, ErrorMessages.describe(e)));
            err.println("skipped: " + ErrorMessages.describe(e));
            tally.skipped++;
            return;
        }
        out.write(DetectionRow.video(file, label, verdict));
        tally.videos++;
        tally.fakeVideos += verdict.fake() ? 1 : 0;
        if (timeline != null) {
            writeTimeline(input, verdict, seconds, scores);
        }
    }

    private void writeTimeline(ImageInputs.Input input, VideoVerdict verdict, List<Double> seconds, List<Double> scores)
            throws IOException {
        String title = verdict.faceFound()
                ? String.format(Locale.ROOT, "%s: %s (score %.3f; %.0f%% of %d frames with a face fake)",
                input.relative(), verdict.fake() ? DetectionRow.FAKE : DetectionRow.REAL, verdict.score(),
                100 * verdict.fakeFrameShare(), verdict.framesWithFaces())
                : input.relative() + ": " + DetectionRow.NO_FACE;
        double[] x = seconds.stream().mapToDouble(Double::doubleValue).toArray();
        double[] y = scores.stream().mapToDouble(Double::doubleValue).toArray();
        Path png = timeline.resolve(input.relative().toString().replaceFirst("\\.[^./]*$", "") + "-timeline.png");
        OutputFiles.createParent(png);
        Plots.writePng(Plots.timeline(title, x, y), png);
    }

    private static void skip(ImageInputs.Input input, ImageFileException e, RowWriter out, String label, Tally tally,
                             PrintWriter err) {
        out.write(DetectionRow.failure(input.file().toString(), label, e.getMessage()));
        err.println("skipped: " + ErrorMessages.describe(e));
        tally.skipped++;
    }

    private void writeHeatMap(FloatImage input, Detection d, Path relative) {
        float[] map = d.heatMap().data();
        float[] range = HeatMaps.range(List.of(map));
        String name = relative.toString().replaceFirst("\\.[^./]*$", "") + "-heatmap.png";
        Path file = heatmaps.resolve(name);
        HeatMaps.writePng(HeatMaps.overlay(input, map, range[0], range[1]), file);
    }
}
