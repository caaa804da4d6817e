package dev.unmask.examples.cli;

import dev.unmask.Detector;
import dev.unmask.backend.Backends;
import dev.unmask.data.ImageOps;
import dev.unmask.data.SynthFaces;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.SafetensorsReader;
import dev.unmask.io.SafetensorsWriter;
import dev.unmask.metrics.DecisionThreshold;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train --detector} for the one-class VAEs and ae-logistic at tiny sizes, then {@code detect},
 * {@code calibrate} and {@code evaluate} on their bundles, and {@code --encoder-weights} with torchvision-named
 * weights made by PyTorch ({@code core/src/test/python/make_vae_goldens.py}).
 */
class CliReconstructionTest {
    /** The narrow torchvision resnet18 (width 4) that make_vae_goldens.py writes, with PyTorch's own values. */
    private static final Path TORCHVISION_GOLDEN = Path.of("../core/src/test/resources/goldens/vae/torchvision_resnet18.safetensors");

    @TempDir
    static Path dir;
    static Path labelled;

    @BeforeAll
    static void labelledFolder() throws IOException {
        SynthFaces faces = new SynthFaces(11, 32, 1.0);
        labelled = dir.resolve("labelled");
        Files.createDirectories(labelled.resolve("real"));
        Files.createDirectories(labelled.resolve("fake"));
        for (int i = 0; i < 6; i++) {
            ImageIO.write(ImageOps.toBufferedImage(faces.face(i)), "png", labelled.resolve("real/r" + i + ".png").toFile());
            ImageIO.write(ImageOps.toBufferedImage(faces.sample(100 + i).image()), "png",
                    labelled.resolve("fake/f" + i + ".png").toFile());
        }
    }

    private static String[] run(int expectedCode, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previousOut = System.out;
        PrintStream previousErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        StringWriter cliErr = new StringWriter();
        try {
            CommandLine cli = UnmaskCommand.commandLine();
            cli.setErr(new PrintWriter(cliErr, true));
            assertEquals(expectedCode, cli.execute(args), cliErr + "\n" + err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(previousOut);
            System.setErr(previousErr);
        }
        return new String[] {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8) + cliErr};
    }

    private static ScoreDecision decision(Path bundle) throws IOException {
        return ScoreDecision.fromJson(ModelBundle.read(bundle).calibrationJson().orElseThrow());
    }

    @Test
    void ocFakeDect1TrainsThenDetectsCalibratesAndEvaluates() throws IOException {
        Path bundle = dir.resolve("oc1.safetensors");
        String[] trained = run(0, "train", "--detector", "oc-fakedect-1", "--synthetic", "24", "--size", "16",
                "--steps", "4", "--batch", "4", "--seed", "3", "--checkpoints", dir.resolve("oc1-checkpoints").toString(),
                "--checkpoint-every", "2", "-o", bundle.toString());
        assertTrue(trained[0].contains("on 17 real images (4 steps), 4 to calibrate, 3 to test"), trained[0]);
        assertTrue(trained[0].contains("test reals: mean score"), trained[0]);
        assertEquals("oc-fakedect-1", ModelBundle.read(bundle).modelType());
        assertEquals(DecisionThreshold.Method.PERCENTILE_OF_REAL, decision(bundle).threshold().method());
        assertEquals(80, decision(bundle).threshold().parameter());
        assertTrue(Files.isDirectory(dir.resolve("oc1-checkpoints/vae")));

        String[] detected = run(0, "detect", "-m", bundle.toString(), labelled.resolve("real").toString());
        assertEquals(6, detected[0].lines().filter(l -> l.contains(".png")).count(), detected[0]);
        Path overlays = dir.resolve("oc1-heatmaps");
        run(0, "detect", "-m", bundle.toString(), "--heatmaps", overlays.toString(), labelled.resolve("real").toString());
        try (var files = Files.walk(overlays)) {
            assertEquals(6, files.filter(Files::isRegularFile).count(), "one residual overlay per image");
        }

        Path percent = dir.resolve("oc1-percent.safetensors");
        run(0, "calibrate", "--force", "-m", bundle.toString(), "-o", percent.toString(), labelled.resolve("real").toString());
        double[] reals;
        try (Detector detector = Detector.load(percent, Backends.defaultBackend())) {
            List<Path> files = ImageInputs.collect(List.of(labelled.resolve("real")));
            reals = new double[files.size()];
            for (int i = 0; i < reals.length; i++) {
                reals[i] = detector.detect(files.get(i)).rawScore();
            }
        }
        java.util.Arrays.sort(reals);
        // 6 sorted scores, numpy's linear 80th percentile: rank 4, no interpolation
        assertEquals(reals[4], decision(percent).threshold().value(), 1e-12);

        Path f1 = dir.resolve("oc1-f1.safetensors");
        String[] chosen = run(0, "calibrate", "--force", "-m", bundle.toString(), "-o", f1.toString(), "--f1-max",
                labelled.toString(), labelled.resolve("real").toString());
        assertTrue(chosen[0].contains("(F1_MAX)"), chosen[0]);
        Path manual = dir.resolve("oc1-manual.safetensors");
        run(0, "calibrate", "--force", "-m", bundle.toString(), "-o", manual.toString(), "--threshold-value", "0.25",
                labelled.resolve("real").toString());
        assertEquals(0.25, decision(manual).threshold().value());
        Map<String, Tensor> before = ModelBundle.read(bundle).stateDict(Backends.defaultBackend());
        Map<String, Tensor> after = ModelBundle.read(manual).stateDict(Backends.defaultBackend());
        assertEquals(before.keySet(), after.keySet());
        before.forEach((name, t) -> {
            if (t.dtype() == dev.unmask.tensor.DType.F32) {
                assertArrayEquals(t.toFloatArray(), after.get(name).toFloatArray(), 0f, name);
            } else {
                assertArrayEquals(t.toIntArray(), after.get(name).toIntArray(), name);
            }
        });

        Path plots = dir.resolve("oc1-plots");
        String[] evaluated = run(0, "evaluate", "-m", percent.toString(), "-o", plots.toString(), labelled.toString());
        assertTrue(evaluated[0].startsWith("all samples\n"), evaluated[0]);
        for (String file : List.of("roc.png", "pr.png", "histogram.png", "latent-pca.png", "report.html")) {
            assertTrue(Files.isRegularFile(plots.resolve(file)), file);
        }
        assertTrue(Files.readString(plots.resolve("report.html")).contains("latent-pca.png"));

        // real as the positive class: the scores and the threshold are negated, the AUROC is unchanged
        String[] realPositive = run(0, "evaluate", "-m", percent.toString(), "--positive", "real", labelled.toString());
        String[] fakeRow = row(evaluated[0]);
        String[] realRow = row(realPositive[0]);
        assertEquals(fakeRow[4], realRow[4], "AUROC\n" + evaluated[0] + realPositive[0]);
        assertEquals(-Double.parseDouble(fakeRow[9]), Double.parseDouble(realRow[9]), 1e-4, "threshold");
        run(2, "evaluate", "-m", percent.toString(), "--positive", "both", labelled.toString());
    }

    /** The cells of the {@code all} row of the first metrics table. */
    private static String[] row(String printed) {
        return printed.lines().filter(l -> l.matches("all\\s+\\d.*")).findFirst().orElseThrow().split("\\s+");
    }

    @Test
    void aeLogisticTrainsOnLabelledFoldersAndEvaluates() throws IOException {
        Path bundle = dir.resolve("ae.safetensors");
        String[] trained = run(0, "train", "--detector", "ae-logistic", "--data", labelled.toString(), "--size", "16",
                "--steps", "3", "--batch", "4", "--seed", "5", "-o", bundle.toString());
        assertTrue(trained[0].contains("reading 6 real and 6 fake images"), trained[0]);
        assertTrue(trained[0].contains("test split"), trained[0]);
        assertEquals("ae-logistic", ModelBundle.read(bundle).modelType());
        String[] synthetic = run(0, "train", "--detector", "ae-logistic", "--synthetic", "40", "--size", "16",
                "--steps", "2", "--batch", "8", "-o", dir.resolve("ae-synthetic.safetensors").toString());
        assertTrue(synthetic[0].contains("threshold") , synthetic[0]);
        String[] evaluated = run(0, "evaluate", "-m", bundle.toString(), labelled.toString());
        assertTrue(evaluated[0].startsWith("all samples\n"), evaluated[0]);
        run(0, "calibrate", "--force", "-m", bundle.toString(), "--f1-max", labelled.toString(),
                labelled.resolve("real").toString());
        assertEquals(DecisionThreshold.Method.F1_MAX, decision(bundle).threshold().method());
    }

    @Test
    void theAsymmetricVaeStartsFromTorchvisionWeightsByName() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(TORCHVISION_GOLDEN), "the core goldens are not in this checkout");
        Map<String, Tensor> golden = SafetensorsReader.read(TORCHVISION_GOLDEN).toTensors(Backends.defaultBackend());
        SafetensorsWriter weights = new SafetensorsWriter();
        golden.forEach((name, t) -> {
            if (!name.startsWith("test.")) {
                weights.add(name, t);
            }
        });
        Path file = dir.resolve("resnet18.safetensors");
        weights.write(file);
        Path bundle = dir.resolve("asym.safetensors");
        String[] trained = run(0, "train", "--detector", "resnet18-vae-asym", "--synthetic", "8", "--size", "32",
                "--width", "4", "--encoder-weights", file.toString(), "--steps", "1", "--lr", "1e-7", "--batch", "4",
                "-o", bundle.toString());
        assertTrue(trained[0].contains("encoder weights from"), trained[0]);
        Map<String, Tensor> stored = ModelBundle.read(bundle).stateDict(Backends.defaultBackend());
        float[] expected = golden.get("layer3.1.conv2.weight").toFloatArray();
        float[] actual = stored.get("encoder.layer3.1.conv2.weight").toFloatArray();
        // one Adam step moves each weight by about the learning rate
        assertArrayEquals(expected, actual, 1e-6f);

        String[] wrong = run(2, "train", "--detector", "resnet18-vae-asym", "--synthetic", "8", "--size", "32",
                "--width", "8", "--encoder-weights", file.toString(), "--steps", "1", "-o", dir.resolve("x.safetensors").toString());
        assertTrue(wrong[1].contains("--encoder-weights " + file) && wrong[1].contains("'bn1.weight' is F32 [4], expected F32 [8]"), wrong[1]);
    }

    @Test
    void synthFacesWritesTheFolderLayoutThatEvaluateReadsPerMethod() throws IOException {
        Path faces = dir.resolve("synth");
        String[] written = run(0, "synth-faces", "-o", faces.toString(), "--count", "20", "--size", "16", "--seed", "4");
        long reals;
        long fakes;
        try (var r = Files.list(faces.resolve("real")); var f = Files.walk(faces.resolve("fake"))) {
            reals = r.count();
            fakes = f.filter(Files::isRegularFile).count();
        }
        assertEquals(20, reals + fakes);
        assertTrue(written[0].contains("wrote " + reals + " real and " + fakes + " manipulated 16x16 faces"), written[0]);
        Path bundle = dir.resolve("synth-ae.safetensors");
        run(0, "train", "--detector", "ae-logistic", "--data", faces.toString(), "--size", "16", "--steps", "1",
                "--batch", "4", "-o", bundle.toString());
        String[] evaluated = run(0, "evaluate", "-m", bundle.toString(), faces.toString());
        assertTrue(evaluated[0].contains("per method"), evaluated[0]);
        String[] oneClass = run(0, "train", "--detector", "oc-fakedect-2", "--data", faces.toString(), "--size", "16",
                "--steps", "1", "--batch", "4", "-o", dir.resolve("synth-oc2.safetensors").toString());
        assertTrue(oneClass[0].contains("reading " + reals + " real images from " + faces.resolve("real")), oneClass[0]);
    }

    @Test
    void anUnknownDetectorIsRefusedWithTheValidNames() {
        String[] refused = run(2, "train", "--detector", "vit", "-o", dir.resolve("vit.safetensors").toString());
        assertTrue(refused[1].contains("--detector must be one of") && refused[1].contains("got 'vit'") && refused[1].contains("oc-fakedect-2")
                && refused[1].contains("ae-logistic") && refused[1].contains("latent-restoration"), refused[1]);
        String[] mesoOption = run(2, "train", "--detector", "oc-fakedect-1", "--freeze", "features", "-o",
                dir.resolve("never.safetensors").toString());
        assertTrue(mesoOption[1].contains("--freeze does not apply to --detector oc-fakedect-1"), mesoOption[1]);
        String[] sizeOption = run(2, "train", "--detector", "meso4", "--size", "64", "-o",
                dir.resolve("never.safetensors").toString());
        assertTrue(sizeOption[1].contains("--size does not apply to --detector meso4"), sizeOption[1]);
        assertFalse(java.nio.file.Files.exists(dir.resolve("never.safetensors")));
    }
}
