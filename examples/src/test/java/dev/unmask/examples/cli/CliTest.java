package dev.unmask.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unmask.Detection;
import dev.unmask.DetectionOptions;
import dev.unmask.detectors.latent.LatentOptions;
import dev.unmask.Detector;
import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.detectors.latent.LatentRestorationTraining;
import dev.unmask.data.ImageOps;
import dev.unmask.data.SynthFaces;
import dev.unmask.io.SafetensorsDType;
import dev.unmask.io.SafetensorsWriter;
import dev.unmask.io.TensorEntry;
import dev.unmask.metrics.DecisionThreshold;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.models.vqvae.VqVaeConfig;
import dev.unmask.tensor.Tensor;
import dev.unmask.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    private static final int SIZE = 16;

    @TempDir
    static Path dir;
    private static Path bundle;
    private static Path images;

    @BeforeAll
    static void setUp() throws IOException {
        bundle = CliFixtures.tinyBundle(dir);
        images = CliFixtures.images(dir);
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cli = UnmaskCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static List<Path> expectedFiles() {
        return List.of(images.resolve("a-real.png"), images.resolve("b-fake.png"), images.resolve("sub/c-real.png"),
                images.resolve("sub/d-fake.png"));
    }

    @Test
    void scoreWritesJsonAndHeatMapsWithOverrides() throws IOException {
        Path json = dir.resolve("scores.json");
        Path maps = dir.resolve("maps");
        assertEquals(0, run(new StringWriter(), "score", "-m", bundle.toString(), "-o", json.toString(), "--heatmaps",
                maps.toString(), "--lambda-s", "0", "--lambda-p", "0.5", "--seed", "4",
                images.resolve("a-real.png").toString(), images.resolve("sub").toString()));
        JsonNode rows = new ObjectMapper().readTree(json.toFile());
        assertEquals(3, rows.size());
        assertTrue(Files.isRegularFile(maps.resolve("a-real-heatmap.png")));
        assertTrue(Files.isRegularFile(maps.resolve("d-fake-heatmap.png")));
        // lambda_s = 0 counts every latent: the score is the image's whole NLL, positive
        for (JsonNode row : rows) {
            assertTrue(row.get("raw_score").asDouble() > 0, row.toString());
        }
    }

    @Test
    void heatMapsKeepTheInputsRelativePathsSoEqualNamesDoNotCollide() throws IOException {
        Path root = dir.resolve("same-names");
        for (String folder : List.of("a", "b")) {
            Files.createDirectories(root.resolve(folder));
            Files.copy(images.resolve(folder.equals("a") ? "a-real.png" : "b-fake.png"), root.resolve(folder + "/x.png"));
        }
        Path maps = dir.resolve("same-name-maps");
        assertEquals(0, run(new StringWriter(), "score", "-m", bundle.toString(), "-o", dir.resolve("same.csv").toString(),
                "--heatmaps", maps.toString(), root.toString()));
        byte[] a = Files.readAllBytes(maps.resolve("a/x-heatmap.png"));
        byte[] b = Files.readAllBytes(maps.resolve("b/x-heatmap.png"));
        assertFalse(java.util.Arrays.equals(a, b), "two different images, two different overlays");
    }

    @Test
    void scoreFailsClearlyOnAMissingPathOrABadOutputName() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "score", "-m", bundle.toString(), "-o", dir.resolve("x.csv").toString(),
                dir.resolve("nothing-here").toString()));
        assertTrue(err.toString().contains("no such file or folder"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(2, run(err2, "score", "-m", bundle.toString(), "-o", dir.resolve("x.txt").toString(), images.toString()));
        assertTrue(err2.toString().contains(".csv or .json"), err2.toString());
    }

    @Test
    void importBuildsABundleFromRosinalityNamedStateDicts() throws IOException {
        Presets shapes = Presets.of("demo-32");
        LatentRestorationModel source = LatentRestorationModel.create(shapes.vqvae(), shapes.prior(), 42);
        Path vq = dir.resolve("vqvae.safetensors");
        Path pr = dir.resolve("prior.safetensors");
        SafetensorsWriter vqWriter = new SafetensorsWriter();
        // as PyTorch's DataParallel saves them, every name under module., and one tensor stored as F64
        source.vqvae().stateDict().forEach((name, t) -> vqWriter.add(name.equals("quantize.embed")
                ? asF64("module." + name, t) : TensorEntry.of("module." + name, t)));
        vqWriter.write(vq);
        SafetensorsWriter prWriter = new SafetensorsWriter();
        source.priorModel().stateDict().forEach(prWriter::add);
        prWriter.write(pr);
        Path out = dir.resolve("imported.safetensors");
        assertEquals(0, run(new StringWriter(), "import", "--vqvae", vq.toString(), "--prior", pr.toString(),
                "--preset", "demo-32", "-o", out.toString()));
        LatentRestorationModel imported = LatentRestorationModel.load(out);
        assertTrue(imported.calibration().isEmpty());
        assertSameState(source.vqvae().stateDict(), imported.vqvae().stateDict());
        assertSameState(source.priorModel().stateDict(), imported.priorModel().stateDict());
    }

    @Test
    void importNamesTheTensorsThatDoNotFit() throws IOException {
        Presets shapes = Presets.of("demo-32");
        LatentRestorationModel source = LatentRestorationModel.create(shapes.vqvae(), shapes.prior(), 1);
        Path vq = dir.resolve("vqvae-extra.safetensors");
        SafetensorsWriter writer = new SafetensorsWriter();
        source.vqvae().stateDict().forEach(writer::add);
        writer.add(TensorEntry.ofInts("enc.num_batches_tracked", new int[0], new int[] {3}));
        writer.write(vq);
        Path pr = dir.resolve("prior-ok.safetensors");
        SafetensorsWriter prWriter = new SafetensorsWriter();
        source.priorModel().stateDict().forEach(prWriter::add);
        prWriter.write(pr);
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "import", "--vqvae", vq.toString(), "--prior", pr.toString(), "--preset", "demo-32",
                "-o", dir.resolve("bad.safetensors").toString()));
        assertTrue(err.toString().contains("unexpected 'enc.num_batches_tracked'"), err.toString());
    }

    /** Runs the command line with System.out and System.err captured; returns {out, err}. */
    private static String[] runCaptured(int expectedCode, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previousOut = System.out;
        PrintStream previousErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        StringWriter cliErr = new StringWriter();
        try {
            assertEquals(expectedCode, run(cliErr, args), cliErr.toString());
        } finally {
            System.setOut(previousOut);
            System.setErr(previousErr);
        }
        return new String[] {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    /** A folder {@code name} with real/a.png, real/c.png, fake/b.png and fake/d.png from the test images. */
    private static Path labelledFolder(String name) throws IOException {
        Path labelled = dir.resolve(name);
        Files.createDirectories(labelled.resolve("real"));
        Files.createDirectories(labelled.resolve("fake"));
        Files.copy(images.resolve("a-real.png"), labelled.resolve("real/a.png"));
        Files.copy(images.resolve("sub/c-real.png"), labelled.resolve("real/c.png"));
        Files.copy(images.resolve("b-fake.png"), labelled.resolve("fake/b.png"));
        Files.copy(images.resolve("sub/d-fake.png"), labelled.resolve("fake/d.png"));
        return labelled;
    }

    @Test
    void calibrateThenEvaluateLabelledFolders() throws IOException {
        Path labelled = labelledFolder("labelled");
        Path recalibrated = dir.resolve("recalibrated.safetensors");
        String[] calibrated = runCaptured(0, "calibrate", "--force", "-m", bundle.toString(), "-o", recalibrated.toString(),
                labelled.resolve("real").toString());
        assertTrue(calibrated[1].contains("images 2/2 (100.0%)"), calibrated[1]);
        assertTrue(LatentRestorationModel.load(recalibrated).calibration().isPresent());
        Path plots = dir.resolve("plots");
        String[] evaluated = runCaptured(0, "evaluate", "-m", recalibrated.toString(), "-o", plots.toString(),
                labelled.toString());
        assertTrue(evaluated[0].startsWith("all samples\ngroup"), evaluated[0]);
        assertTrue(evaluated[1].contains("images 4/4 (100.0%)"), evaluated[1]);
        for (String file : List.of("roc.png", "pr.png", "histogram.png", "report.html")) {
            assertTrue(Files.isRegularFile(plots.resolve(file)), file);
        }
    }

    @Test
    void calibrateRefusesTooFewImagesUnlessForced() {
        StringWriter err = new StringWriter();
        assertEquals(UnmaskCommand.USAGE, run(err, "calibrate", "-m", bundle.toString(), "-o",
                dir.resolve("too-few.safetensors").toString(), images.toString()));
        assertTrue(err.toString().contains("fewer than " + CalibrateCommand.MINIMUM_IMAGES) && err.toString().contains("--force"),
                err.toString());
        assertFalse(Files.exists(dir.resolve("too-few.safetensors")));
    }

    @Test
    void calibrateRunsOnTheChosenBackend() throws IOException {
        Path labelled = labelledFolder("on-reference");
        Path onReference = dir.resolve("on-reference.safetensors");
        Path onCpu = dir.resolve("on-cpu.safetensors");
        runCaptured(0, "calibrate", "--force", "--backend", "cpu-reference", "-m", bundle.toString(), "-o",
                onReference.toString(), labelled.resolve("real").toString());
        runCaptured(0, "calibrate", "--force", "-m", bundle.toString(), "-o", onCpu.toString(),
                labelled.resolve("real").toString());
        // the plain reference loops and the fast kernels agree on the thresholds up to the order of their sums
        double reference = LatentRestorationModel.load(onReference).calibration().orElseThrow().lambdaS();
        double cpu = LatentRestorationModel.load(onCpu).calibration().orElseThrow().lambdaS();
        assertEquals(cpu, reference, 1e-3 * Math.max(1, Math.abs(cpu)));
        StringWriter err = new StringWriter();
        assertEquals(UnmaskCommand.USAGE, run(err, "calibrate", "--force", "--backend", "tpu", "-m", bundle.toString(),
                "-o", dir.resolve("never.safetensors").toString(), labelled.resolve("real").toString()));
        assertTrue(err.toString().contains("unknown backend 'tpu'"), err.toString());
    }

    @Test
    void calibrateChoosesTheThresholdByPercentileByHandOrByF1MaxOnALabelledFolder() throws IOException {
        Path labelled = labelledFolder("threshold-choice");
        String reals = labelled.resolve("real").toString();

        Path byHand = dir.resolve("by-hand.safetensors");
        runCaptured(0, "calibrate", "--force", "-m", bundle.toString(), "-o", byHand.toString(), "--threshold-value", "1.25", reals);
        DecisionThreshold manual = LatentRestorationModel.load(byHand).calibration().orElseThrow().threshold();
        assertEquals(DecisionThreshold.Method.MANUAL, manual.method());
        assertEquals(1.25, manual.value());

        Path median = dir.resolve("median.safetensors");
        runCaptured(0, "calibrate", "--force", "-m", bundle.toString(), "-o", median.toString(), "--threshold-percent", "50", reals);
        try (Detector detector = Detector.load(median)) {
            double a = detector.detect(labelled.resolve("real/a.png")).rawScore();
            double c = detector.detect(labelled.resolve("real/c.png")).rawScore();
            assertEquals((a + c) / 2, detector.decision().threshold().value(), 1e-9, "median of two real scores");
        }

        Path f1 = dir.resolve("f1.safetensors");
        String[] chosen = runCaptured(0, "calibrate", "--force", "-m", bundle.toString(), "-o", f1.toString(), "--f1-max",
                labelled.toString(), reals);
        assertTrue(chosen[1].contains("2 real and 2 fake"), chosen[1]);
        try (Detector detector = Detector.load(f1)) {
            List<String> files = List.of("real/a.png", "real/c.png", "fake/b.png", "fake/d.png");
            double[] scores = new double[files.size()];
            for (int i = 0; i < files.size(); i++) {
                scores[i] = detector.detect(labelled.resolve(files.get(i))).rawScore();
            }
            double best = bestF1Threshold(scores, new boolean[] {false, false, true, true});
            DecisionThreshold threshold = detector.decision().threshold();
            assertEquals(DecisionThreshold.Method.F1_MAX, threshold.method());
            assertEquals(best, threshold.value(), 1e-9);
        }

        runCaptured(2, "calibrate", "--force", "-m", bundle.toString(), "--threshold-value", "1", "--threshold-percent", "90", reals);
        StringWriter noFolder = new StringWriter();
        assertEquals(2, run(noFolder, "calibrate", "--force", "-m", bundle.toString(), "-o", f1.toString(), "--f1-max",
                labelled.resolve("real").toString(), reals));
        assertTrue(noFolder.toString().contains("no real/ sub-folder"), noFolder.toString());
    }

    /** F1-max by brute force: every score as a threshold (fake iff score >= t), the highest among ties. */
    private static double bestF1Threshold(double[] scores, boolean[] fake) {
        double best = Double.NaN;
        double bestF1 = -1;
        for (double t : scores) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < scores.length; i++) {
                boolean called = scores[i] >= t;
                tp += called && fake[i] ? 1 : 0;
                fp += called && !fake[i] ? 1 : 0;
                fn += !called && fake[i] ? 1 : 0;
            }
            double f1 = 2.0 * tp / (2.0 * tp + fp + fn);
            if (f1 > bestF1 || (f1 == bestF1 && t > best)) {
                bestF1 = f1;
                best = t;
            }
        }
        return best;
    }

    @Test
    void evaluateReportsPerMethodTablesPixelMetricsAndTheReport() throws IOException {
        Path root = dir.resolve("methods");
        Path maskRoot = dir.resolve("methods-masks");
        SynthFaces faces = new SynthFaces(3, SIZE, 1.0);
        Files.createDirectories(root.resolve("real"));
        Files.copy(images.resolve("a-real.png"), root.resolve("real/a.png"));
        Files.copy(images.resolve("sub/c-real.png"), root.resolve("real/c.png"));
        List<String> fakes = List.of("fake/swap/b.png", "fake/blur/d.png");
        long[] indices = {101, 103};
        for (int i = 0; i < fakes.size(); i++) {
            Files.createDirectories(root.resolve(fakes.get(i)).getParent());
            Files.createDirectories(maskRoot.resolve(fakes.get(i)).getParent());
            Files.copy(images.resolve(i == 0 ? "b-fake.png" : "sub/d-fake.png"), root.resolve(fakes.get(i)));
            writeMask(faces.sample(indices[i]).mask().data(), maskRoot.resolve(fakes.get(i)));
        }
        List<String> files = List.of("fake/blur/d.png", "fake/swap/b.png", "real/a.png", "real/c.png");
        double[] scores = new double[4];
        boolean[] labels = new boolean[4];
        List<float[]> maps = new java.util.ArrayList<>();
        List<boolean[]> masks = new java.util.ArrayList<>();
        try (Detector detector = Detector.load(bundle)) {
            for (int i = 0; i < 4; i++) {
                Detection d = detector.detect(root.resolve(files.get(i)), dev.unmask.DetectionOptions.DEFAULTS.withHeatMap(true));
                scores[i] = d.rawScore();
                labels[i] = files.get(i).startsWith("fake");
                maps.add(d.heatMap().data());
                masks.add(i < 2 ? readMask(maskRoot.resolve(files.get(i))) : new boolean[SIZE * SIZE]);
            }
        }
        Path out = dir.resolve("methods-out");
        String[] printed = runCaptured(0, "evaluate", "-m", bundle.toString(), "-o", out.toString(), "--masks",
                maskRoot.toString(), root.toString());
        assertTrue(printed[0].contains("\nper method\n"), printed[0]);
        String html = Files.readString(out.resolve("report.html"));
        // the "all" row and each method's row with AUROC by pair counting over the detector's own scores
        assertTrue(html.contains(String.format(java.util.Locale.ROOT, "<td>all</td><td>4</td><td>2</td><td>2</td><td>%.4f</td>",
                pairAuroc(scores, labels))), html);
        assertTrue(html.contains(String.format(java.util.Locale.ROOT, "<td>blur</td><td>3</td><td>1</td><td>2</td><td>%.4f</td>",
                pairAuroc(new double[] {scores[0], scores[2], scores[3]}, new boolean[] {true, false, false}))), html);
        // pixel AUROC by pair counting over all pixels of the four maps
        int pixels = 4 * SIZE * SIZE;
        double[] pixelScores = new double[pixels];
        boolean[] pixelLabels = new boolean[pixels];
        for (int i = 0; i < 4; i++) {
            for (int p = 0; p < SIZE * SIZE; p++) {
                pixelScores[i * SIZE * SIZE + p] = maps.get(i)[p];
                pixelLabels[i * SIZE * SIZE + p] = masks.get(i)[p];
            }
        }
        String pixelAuroc = String.format(java.util.Locale.ROOT, "%.4f", pairAuroc(pixelScores, pixelLabels));
        assertTrue(html.contains("<td>pixel AUROC</td><td>" + pixelAuroc + "</td>"), html);
        assertTrue(printed[0].contains("pixel: AUROC " + pixelAuroc), printed[0]);
        assertTrue(html.contains("<td>unmask evaluate -m "), "the command is in the report");
    }

    @Test
    void evaluateSkipsAndReportsAnUnreadableImageInsteadOfAborting() throws IOException {
        Path root = dir.resolve("with-corrupt");
        Files.createDirectories(root.resolve("real"));
        Files.createDirectories(root.resolve("fake"));
        Files.copy(images.resolve("a-real.png"), root.resolve("real/a.png"));
        Files.copy(images.resolve("sub/c-real.png"), root.resolve("real/c.png"));
        Files.copy(images.resolve("b-fake.png"), root.resolve("fake/b.png"));
        Files.write(root.resolve("fake/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
        Path out = dir.resolve("with-corrupt-out");
        StringWriter err = new StringWriter();
        PrintStream saved = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        int code;
        try {
            code = run(err, "evaluate", "-m", bundle.toString(), "-o", out.toString(), root.toString());
        } finally {
            System.setErr(saved);
        }
        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(UnmaskCommand.FAILURE, code, err + log);
        assertTrue(log.contains("broken.png") && log.contains("1 of 4 images skipped"), log);
        assertTrue(Files.readString(out.resolve("report.html")).contains("<td>all</td><td>3</td><td>1</td><td>2</td>"),
                "the three readable images are evaluated");
    }

    @Test
    void evaluateUsesTheLambdaOverrides() throws IOException {
        Path root = dir.resolve("overrides");
        List<String> files = List.of("fake/b.png", "fake/d.png", "real/a.png", "real/c.png");
        List<String> sources = List.of("b-fake.png", "sub/d-fake.png", "a-real.png", "sub/c-real.png");
        double[] scores = new double[4];
        double[] calibratedScores = new double[4];
        boolean[] labels = {true, true, false, false};
        DetectionOptions overridden = DetectionOptions.DEFAULTS.with(new LatentOptions(0.0, null));
        try (Detector detector = Detector.load(bundle)) {
            for (int i = 0; i < 4; i++) {
                Files.createDirectories(root.resolve(files.get(i)).getParent());
                Files.copy(images.resolve(sources.get(i)), root.resolve(files.get(i)));
                scores[i] = detector.detect(images.resolve(sources.get(i)), overridden).rawScore();
                calibratedScores[i] = detector.detect(images.resolve(sources.get(i))).rawScore();
            }
        }
        assertNotEquals(pairAuroc(calibratedScores, labels), pairAuroc(scores, labels),
                "precondition: on these images the override changes the AUROC, so the report shows whether it was used");
        Path out = dir.resolve("overrides-out");
        runCaptured(0, "evaluate", "-m", bundle.toString(), "-o", out.toString(), "--lambda-s", "0", "--lambda-p", "1.5",
                "--seed", "9", root.toString());
        String html = Files.readString(out.resolve("report.html"));
        // lambda_s = 0 scores each image by its whole NLL: the AUROC of those scores, by pair counting
        assertTrue(html.contains(String.format(java.util.Locale.ROOT, "<td>all</td><td>4</td><td>2</td><td>2</td><td>%.4f</td>",
                pairAuroc(scores, labels))), html);
        assertTrue(html.contains("<td>lambda_s</td><td>0.0 (override)</td>"), html);
        assertTrue(html.contains("<td>lambda_p</td><td>1.5 (override)</td>"), html);
        assertTrue(html.contains("<td>restoration seed</td><td>9</td>"), html);
    }

    @Test
    void evaluateGroupsRealAndFakeFaceNamesByDifficulty() throws IOException {
        Path root = dir.resolve("rff");
        Files.createDirectories(root);
        Files.copy(images.resolve("a-real.png"), root.resolve("real_00001.png"));
        Files.copy(images.resolve("sub/c-real.png"), root.resolve("real_00002.png"));
        Files.copy(images.resolve("b-fake.png"), root.resolve("easy_1_1000.png"));
        Files.copy(images.resolve("sub/d-fake.png"), root.resolve("hard_2_0110.png"));
        String out = runCaptured(0, "evaluate", "-m", bundle.toString(), root.toString())[0];
        assertTrue(out.contains("\nper difficulty\n"), out);
        assertTrue(out.contains("\neasy ") && out.contains("\nhard "), out);
        assertTrue(out.contains("\nright eye+nose "), out);
    }

    @Test
    void evaluateFaceForensicsFramesReportsVideoMeans() throws IOException {
        Path root = dir.resolve("ffpp");
        List<String> frames = List.of("original_sequences/youtube/c23/images/000/0001.png",
                "original_sequences/youtube/c23/images/000/0002.png",
                "manipulated_sequences/Deepfakes/c23/images/000_003/0001.png",
                "manipulated_sequences/Deepfakes/c23/images/000_003/0002.png");
        List<String> sources = List.of("a-real.png", "sub/c-real.png", "b-fake.png", "sub/d-fake.png");
        double[] scores = new double[4];
        try (Detector detector = Detector.load(bundle)) {
            for (int i = 0; i < 4; i++) {
                Files.createDirectories(root.resolve(frames.get(i)).getParent());
                Files.copy(images.resolve(sources.get(i)), root.resolve(frames.get(i)));
                scores[i] = detector.detect(images.resolve(sources.get(i))).rawScore();
            }
        }
        String out = runCaptured(0, "evaluate", "-m", bundle.toString(), root.toString())[0];
        assertTrue(out.contains("\nper video, per method\n"), out);
        // one real and one fake video: AUROC 1, 0 or 1/2 from the two mean frame scores
        double real = (scores[0] + scores[1]) / 2;
        double fake = (scores[2] + scores[3]) / 2;
        String auroc = fake > real ? "1.0000" : fake == real ? "0.5000" : "0.0000";
        assertTrue(out.contains("all videos\n") && out.matches("(?s).*all videos\n[^\n]*\nall +2 +1 +1 +" + auroc + " .*"), out);
    }

    /** AUROC as the share of (fake, real) pairs in which the fake scores higher, ties one half. */
    private static double pairAuroc(double[] scores, boolean[] labels) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.length; i++) {
            for (int j = 0; j < scores.length; j++) {
                if (labels[i] && !labels[j]) {
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                    pairs++;
                }
            }
        }
        return wins / pairs;
    }

    private static void writeMask(float[] mask, Path file) throws IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(SIZE, SIZE,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < mask.length; p++) {
            image.getRaster().setSample(p % SIZE, p / SIZE, 0, mask[p] > 0.5f ? 255 : 0);
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static boolean[] readMask(Path file) throws IOException {
        java.awt.image.BufferedImage image = ImageIO.read(file.toFile());
        boolean[] out = new boolean[SIZE * SIZE];
        for (int p = 0; p < out.length; p++) {
            out[p] = image.getRaster().getSample(p % SIZE, p / SIZE, 0) >= 128;
        }
        return out;
    }

    private static TensorEntry asF64(String name, Tensor t) {
        float[] values = t.toFloatArray();
        ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putDouble(v);
        }
        return TensorEntry.of(name, SafetensorsDType.F64, t.shape().dims(), bytes.array());
    }

    private static void assertSameState(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            Tensor e = expected.get(name);
            Tensor a = actual.get(name);
            assertEquals(e.shape(), a.shape(), name);
            if (e.dtype() == dev.unmask.tensor.DType.I32) {
                assertArrayEquals(e.toIntArray(), a.toIntArray(), name);
            } else {
                assertArrayEquals(e.toFloatArray(), a.toFloatArray(), name);
            }
        }
    }
}
