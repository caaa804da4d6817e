package dev.unmask.examples.cli;

import dev.unmask.Detection;
import dev.unmask.Detector;
import dev.unmask.backend.Backends;
import dev.unmask.data.ImageOps;
import dev.unmask.data.SynthFaces;
import dev.unmask.detectors.classifier.MesoNetFamily;
import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.io.ModelBundle;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.models.vqvae.VqVaeConfig;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Tensor;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code unmask train --detector meso4|mesoinception4}: the bundles it writes, and its refusals. */
class CliMesoNetTrainTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = UnmaskCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void syntheticTrainingWritesABundleThatDetectLoads() throws IOException {
        Path bundle = dir.resolve("meso.safetensors");
        Run r = run("train", "--detector", "meso4", "--synthetic", "8", "--steps", "2", "--batch", "2",
                "--validation-share", "0.25", "--seed", "3", "-o", bundle.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(MesoNetFamily.MODEL_TYPE, ModelBundle.read(bundle).modelType());

        Path face = dir.resolve("face.png");
        ImageIO.write(ImageOps.toBufferedImage(new SynthFaces(5, 200, 0).face(0)), "png", face.toFile());
        Path csv = dir.resolve("rows.csv");
        Run detect = run("detect", "--model", bundle.toString(), "-o", csv.toString(), face.toString());
        assertEquals(0, detect.code(), detect.err());
        List<CSVRecord> rows;
        try (Reader in = Files.newBufferedReader(csv)) {
            rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
        }
        assertEquals(1, rows.size());
        try (Detector detector = Detector.load(bundle)) {
            Detection d = detector.detect(face);
            assertEquals(d.rawScore(), Double.parseDouble(rows.get(0).get("raw_score")), 1e-6);
            assertEquals("F1_MAX", detector.decision().threshold().method().name());
        }

        Path inception = dir.resolve("inception.safetensors");
        Run other = run("train", "--detector", "mesoinception4", "--synthetic", "4", "--steps", "1", "--batch", "2",
                "--loss", "bce", "-o", inception.toString());
        assertEquals(0, other.code(), other.err());
        assertTrue(ModelBundle.read(inception).configJson().contains("MESO_INCEPTION4"),
                ModelBundle.read(inception).configJson());
    }

    @Test
    void fineTuningWithFrozenFeaturesTrainsOnlyTheHead() throws IOException {
        Path data = folders(dir.resolve("data"), 3, 3);
        Path bundle = dir.resolve("tuned.safetensors");
        Run r = run("train", "--detector", "meso4", "--data", data.toString(), "--from", "meso4-df", "--freeze",
                "features", "--steps", "2", "--batch", "2", "--validation-share", "0.34", "--no-augment",
                "--threshold", "0.5", "-o", bundle.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Tensor> tuned = ModelBundle.read(bundle).stateDict(Backends.defaultBackend());
        Map<String, Tensor> pretrained;
        try (Detector detector = Detector.pretrained("meso4-df")) {
            pretrained = ((dev.unmask.detectors.classifier.MesoNetScoringModel) detector.model()).model().stateDict();
            assertEquals(tuned.keySet(), pretrained.keySet());
            for (String name : pretrained.keySet()) {
                if (pretrained.get(name).dtype() != DType.F32) {
                    continue;
                }
                float[] before = pretrained.get(name).toFloatArray();
                float[] after = tuned.get(name).toFloatArray();
                if (name.startsWith("block")) {
                    assertArrayEquals(before, after, name + " is frozen");
                } else {
                    assertFalse(Arrays.equals(before, after), name + " trains");
                }
            }
        }
        try (Detector detector = Detector.load(bundle)) {
            assertEquals(0.5, detector.decision().threshold().value());
        }
    }

    @Test
    void badDataAndOptionsGetOneLineErrors() throws IOException {
        Path out = dir.resolve("never.safetensors");
        Path noFake = dir.resolve("no-fake");
        Files.createDirectories(noFake.resolve("real"));
        assertRefused(UnmaskCommand.USAGE, "no fake/ folder", "train", "--detector", "meso4", "--data", noFake.toString(),
                "-o", out.toString());
        Path emptyReal = folders(dir.resolve("empty-real"), 0, 2);
        assertRefused(UnmaskCommand.USAGE, "no image files in", "train", "--detector", "meso4", "--data",
                emptyReal.toString(), "-o", out.toString());
        assertRefused(UnmaskCommand.USAGE, "no such folder", "train", "--detector", "meso4", "--data",
                dir.resolve("absent").toString(), "-o", out.toString());

        Path latent = dir.resolve("latent.safetensors");
        LatentRestorationModel.create(VqVaeConfig.of(3, 8, 1, 4, 4, 16, 4),
                new PixelSnailConfig(4, 4, 16, 8, 3, 1, 1, 8, true, 0.0, 2), 1).save(latent);
        assertRefused(UnmaskCommand.USAGE, "holds a 'latent-restoration' model, not a mesonet one", "train", "--detector",
                "meso4", "--synthetic", "4", "--from", latent.toString(), "-o", out.toString());
        assertRefused(UnmaskCommand.USAGE, "is a MesoInception-4; --detector meso4 trains a Meso-4", "train",
                "--detector", "meso4", "--synthetic", "4", "--from", "mesoinception-df", "-o", out.toString());
        assertRefused(UnmaskCommand.USAGE, "--freeze features needs --from", "train", "--detector", "meso4",
                "--freeze", "features", "-o", out.toString());
        assertRefused(UnmaskCommand.USAGE, "--loss must be one of bce, mse, got 'hinge'", "train", "--detector", "meso4",
                "--loss", "hinge", "-o", out.toString());
        assertRefused(UnmaskCommand.USAGE, "--preset does not apply to --detector meso4", "train", "--detector", "meso4",
                "--preset", "faces-128", "-o", out.toString());
        assertRefused(UnmaskCommand.USAGE, "--steps does not apply to --detector latent-restoration", "train",
                "--steps", "5", "-o", out.toString());
        assertRefused(UnmaskCommand.USAGE, "--augment does not apply to --detector latent-restoration", "train",
                "--no-augment", "-o", out.toString());
        assertRefused(UnmaskCommand.USAGE, "--detector must be one of latent-restoration, meso4, mesoinception4", "train",
                "--detector", "xception", "-o", out.toString());
        assertFalse(Files.exists(out));
    }

    private static void assertRefused(int code, String message, String... args) {
        Run r = run(args);
        assertEquals(code, r.code(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().length() < 300, r.err());
    }

    /** {@code root/real} with {@code reals} faces and {@code root/fake} with {@code fakes} manipulated ones, as PNG. */
    private static Path folders(Path root, int reals, int fakes) throws IOException {
        SynthFaces faces = new SynthFaces(4, 64, 1);
        Files.createDirectories(root.resolve("real"));
        Files.createDirectories(root.resolve("fake"));
        for (int i = 0; i < reals; i++) {
            ImageIO.write(ImageOps.toBufferedImage(faces.face(i)), "png", root.resolve("real/" + i + ".png").toFile());
        }
        for (int i = 0; i < fakes; i++) {
            ImageIO.write(ImageOps.toBufferedImage(faces.sample(i).image()), "png",
                    root.resolve("fake/" + i + ".png").toFile());
        }
        return root;
    }
}
