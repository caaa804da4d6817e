package dev.unmask.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unmask.Detection;
import dev.unmask.Detector;
import dev.unmask.LatentRestorationModel;
import dev.unmask.LatentRestorationTraining;
import dev.unmask.data.ImageOps;
import dev.unmask.data.SynthFaces;
import dev.unmask.io.SafetensorsDType;
import dev.unmask.io.SafetensorsWriter;
import dev.unmask.io.TensorEntry;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.models.vqvae.VqVaeConfig;
import dev.unmask.tensor.Tensor;
import dev.unmask.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    private static final int SIZE = 16;

    @TempDir
    static Path dir;
    private static Path bundle;
    private static Path images;

    /** A tiny model trained a few steps on 16x16 faces and calibrated; two real and two manipulated PNGs. */
    @BeforeAll
    static void setUp() throws IOException {
        LatentRestorationModel model = LatentRestorationModel.create(VqVaeConfig.of(3, 8, 1, 4, 4, 16, 4),
                new PixelSnailConfig(4, 4, 16, 8, 3, 1, 1, 8, true, 0.0, 2), 3);
        SynthFaces faces = new SynthFaces(3, SIZE, 1.0);
        int per = 3 * SIZE * SIZE;
        float[] train = new float[48 * per];
        for (int i = 0; i < 48; i++) {
            System.arraycopy(faces.face(i).data(), 0, train, i * per, per);
        }
        Trainer.Listener quiet = new Trainer.Listener() {
        };
        LatentRestorationTraining.trainVqVae(model.vqvae(), java.util.Arrays.copyOf(train, 32 * per), SIZE,
                LatentRestorationTraining.Settings.of(5, 8, 2e-3, 3, quiet));
        int[] codes = LatentRestorationTraining.extractCodes(model.vqvae(), train, SIZE, 16);
        LatentRestorationTraining.trainPrior(model.priorModel(), codes, LatentRestorationTraining.Settings.of(5, 8, 2e-3, 3, quiet));
        LatentRestorationTraining.calibrate(model, java.util.Arrays.copyOfRange(train, 32 * per, train.length), 8);
        bundle = dir.resolve("tiny.safetensors");
        model.save(bundle);
        images = dir.resolve("images");
        Files.createDirectories(images.resolve("sub"));
        ImageIO.write(ImageOps.toBufferedImage(faces.face(100)), "png", images.resolve("a-real.png").toFile());
        ImageIO.write(ImageOps.toBufferedImage(faces.sample(101).image()), "png", images.resolve("b-fake.png").toFile());
        ImageIO.write(ImageOps.toBufferedImage(faces.face(102)), "png", images.resolve("sub/c-real.png").toFile());
        ImageIO.write(ImageOps.toBufferedImage(faces.sample(103).image()), "png", images.resolve("sub/d-fake.png").toFile());
        Files.writeString(images.resolve("notes.txt"), "not an image");
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
    void scoreWritesOneCsvRowPerImageWithTheDetectorsResults() throws IOException {
        Path csv = dir.resolve("out/scores.csv");
        assertEquals(0, run(new StringWriter(), "score", "--model", bundle.toString(), "--output", csv.toString(),
                images.toString()));
        List<String> lines = Files.readAllLines(csv);
        assertEquals("file,score,normalised_score,verdict", lines.get(0));
        assertEquals(5, lines.size());
        try (Detector detector = Detector.load(bundle)) {
            for (int i = 0; i < 4; i++) {
                String[] row = lines.get(i + 1).split(",");
                Path file = expectedFiles().get(i);
                Detection d = detector.detect(file);
                assertEquals(file.toString(), row[0]);
                assertEquals(d.score(), Double.parseDouble(row[1]), 1e-6);
                assertEquals(d.normalisedScore(), Double.parseDouble(row[2]), 1e-6);
                assertEquals(d.fake() ? "fake" : "real", row[3]);
            }
        }
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
            assertTrue(row.get("score").asDouble() > 0, row.toString());
        }
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

    @Test
    void calibrateThenEvaluateLabelledFolders() throws IOException {
        Path labelled = dir.resolve("labelled");
        Files.createDirectories(labelled.resolve("real"));
        Files.createDirectories(labelled.resolve("fake"));
        Files.copy(images.resolve("a-real.png"), labelled.resolve("real/a.png"));
        Files.copy(images.resolve("sub/c-real.png"), labelled.resolve("real/c.png"));
        Files.copy(images.resolve("b-fake.png"), labelled.resolve("fake/b.png"));
        Files.copy(images.resolve("sub/d-fake.png"), labelled.resolve("fake/d.png"));
        Path recalibrated = dir.resolve("recalibrated.safetensors");
        assertEquals(0, run(new StringWriter(), "calibrate", "-m", bundle.toString(), "-o", recalibrated.toString(),
                labelled.resolve("real").toString()));
        assertTrue(LatentRestorationModel.load(recalibrated).calibration().isPresent());
        Path plots = dir.resolve("plots");
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream previous = System.out;
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(0, run(new StringWriter(), "evaluate", "-m", recalibrated.toString(), "-o", plots.toString(),
                    labelled.toString()));
        } finally {
            System.setOut(previous);
        }
        assertTrue(captured.toString(java.nio.charset.StandardCharsets.UTF_8).contains("labelled"), captured.toString());
        assertTrue(Files.isRegularFile(plots.resolve("roc.png")) && Files.isRegularFile(plots.resolve("pr.png")));
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
