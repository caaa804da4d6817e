package dev.unmask.examples.cli;

import dev.unmask.Detection;
import dev.unmask.Detector;
import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.backend.Backends;
import dev.unmask.data.ImageOps;
import dev.unmask.data.SynthFaces;
import dev.unmask.io.ModelBundle;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.models.vqvae.VqVaeConfig;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Tensor;
import dev.unmask.train.Trainer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
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
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTrainTest {
    // a few demo-32 images and steps: enough to run every stage, seconds in all
    private static final String[] DATA = {"--synthetic", "8", "--calibration-share", "0.25", "--batch", "4", "--seed", "3"};

    @TempDir
    Path dir;

    private static int run(StringWriter err, String... args) {
        CommandLine cli = UnmaskCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static String[] with(String[] head, String... tail) {
        String[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void trainVqVaeThenTrainPriorWriteABundleTheDetectorScoresWith() throws IOException {
        Path vqvae = dir.resolve("vqvae.safetensors");
        Path model = dir.resolve("model.safetensors");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, with(new String[] {"train-vqvae", "-o", vqvae.toString(), "--vqvae-steps", "2"}, DATA)),
                err.toString());
        ModelBundle written = ModelBundle.read(vqvae);
        assertEquals(VqVaeBundle.MODEL_TYPE, written.modelType());
        assertTrue(written.configJson().contains("\"preset\":\"demo-32\""), written.configJson());
        Map<String, Tensor> trained = written.stateDict(Backends.defaultBackend());

        assertEquals(0, run(err, with(new String[] {"train-prior", "--vqvae", vqvae.toString(), "-o", model.toString(),
                "--prior-steps", "2"}, DATA)), err.toString());
        LatentRestorationModel loaded = LatentRestorationModel.load(model);
        assertTrue(loaded.calibration().isPresent());
        // the prior was trained on top of the stored VQ-VAE, which train-prior must leave as it was
        Map<String, Tensor> kept = loaded.vqvae().stateDict();
        assertEquals(new TreeMap<>(trained).keySet(), new TreeMap<>(kept).keySet());
        for (String name : trained.keySet()) {
            if (trained.get(name).dtype() == DType.F32) {
                assertArrayEquals(trained.get(name).toFloatArray(), kept.get(name).toFloatArray(), name);
            }
        }
        Path image = dir.resolve("face.png");
        ImageIO.write(ImageOps.toBufferedImage(new SynthFaces(5, 32, 0).face(0)), "png", image.toFile());
        try (Detector detector = Detector.load(model)) {
            Detection d = detector.detect(image);
            assertTrue(Double.isFinite(d.rawScore()), "score " + d.rawScore());
        }
    }

    @Test
    void trainStillWritesACalibratedBundleInOneGo() throws IOException {
        Path model = dir.resolve("one-go.safetensors");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, with(new String[] {"train", "-o", model.toString(), "--vqvae-steps", "1",
                "--prior-steps", "1"}, DATA)), err.toString());
        assertTrue(LatentRestorationModel.load(model).calibration().isPresent());
    }

    @Test
    void trainingRunsOnTheBackendItIsGivenAndRefusesOneThatCannotStart() throws IOException {
        Path reference = dir.resolve("reference.safetensors");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, with(new String[] {"train", "-o", reference.toString(), "--vqvae-steps", "1",
                "--prior-steps", "1", "--backend", "cpu-reference"}, DATA)), err.toString());
        assertTrue(LatentRestorationModel.load(reference).calibration().isPresent());

        StringWriter unknown = new StringWriter();
        assertEquals(UnmaskCommand.USAGE, run(unknown, with(new String[] {"train-vqvae", "-o",
                dir.resolve("never.safetensors").toString(), "--backend", "tpu"}, DATA)), unknown.toString());
        assertTrue(unknown.toString().contains("unknown backend 'tpu'"), unknown.toString());

        Path strict = dir.resolve("cuda.safetensors");
        StringWriter cuda = new StringWriter();
        int code = run(cuda, with(new String[] {"train", "-o", strict.toString(), "--vqvae-steps", "1", "--prior-steps",
                "1", "--backend", "cuda"}, DATA));
        org.junit.jupiter.api.Assumptions.assumeTrue(code != 0, "a CUDA driver is present: nothing to refuse");
        assertEquals(UnmaskCommand.FAILURE, code, cuda.toString());
        assertTrue(cuda.toString().contains("CUDA backend cannot start"), cuda.toString());
        assertFalse(Files.exists(strict), "nothing is trained or written when the backend cannot start");
    }

    @Test
    void trainPriorRefusesABundleThatIsNotAVqVae() throws IOException {
        Path other = dir.resolve("latent.safetensors");
        LatentRestorationModel.create(VqVaeConfig.of(3, 8, 1, 4, 4, 16, 4),
                new PixelSnailConfig(4, 4, 16, 8, 3, 1, 1, 8, true, 0.0, 2), 1).save(other);
        StringWriter err = new StringWriter();
        assertEquals(UnmaskCommand.FAILURE, run(err, with(new String[] {"train-prior", "--vqvae", other.toString(), "-o",
                dir.resolve("never.safetensors").toString(), "--prior-steps", "1"}, DATA)));
        assertTrue(err.toString().contains("holds a 'latent-restoration' model, expected 'vqvae'"), err.toString());
        assertFalse(Files.exists(dir.resolve("never.safetensors")));
    }

    private static Trainer.Progress progress(long step, long total, double loss, Map<String, Double> stats, long etaSeconds) {
        return new Trainer.Progress(step, total, loss, 1e-3, Double.NaN, stats, Duration.ofSeconds(1),
                Duration.ofSeconds(etaSeconds));
    }

    @Test
    void statisticsListTheLossThenTheStatisticsInNameOrderAndClocksRoundDown() {
        assertEquals("loss 0.1230 perplexity 45.10", Progress.statistics(progress(120, 400, 0.123, Map.of("perplexity", 45.1), 42)));
        assertEquals("loss 1.000e-05 a 2.000 recon 0.5000",
                Progress.statistics(progress(399, 400, 1e-5, Map.of("recon", 0.5, "a", 2.0), 3725)));
        assertEquals("1:02:05", Progress.clock(Duration.ofSeconds(3725)));
        assertEquals("0:59", Progress.clock(Duration.ofMillis(59_999)));
    }

    @Test
    void theTerminalBarEndsAtTheLastStepWithItsStatistics() {
        List<String> frames = new CopyOnWriteArrayList<>();
        Progress.TrainingBar bar = new Progress.TrainingBar(
                Progress.bar("train", 2, new DelegatingProgressBarConsumer(frames::add, 120)));
        bar.onStep(progress(1, 2, 0.5, Map.of("perplexity", 12.0), 61));
        bar.onStep(progress(2, 2, 0.25, Map.of(), 0));
        String last = frames.get(frames.size() - 1);
        assertTrue(last.contains("2/2") && last.contains("loss 0.2500") && last.contains("100%"), last);
    }
}
