package dev.unmask.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unmask.data.fmnist.FashionMnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FashionMnistCommandTest {
    /** 7 images per class: 6 training (4 to train, 2 to calibrate at share 0.25) and 7 / 7 = 1 test image. */
    private static final int PER_CLASS = 7;
    /**
     * The oracle: the normal class is the left half white, every other class the mirror image. Both halves'
     * codes are in the codebook (it is initialised from the training images), so an anomaly is the normal
     * class's codes in an arrangement the prior never saw; even briefly trained, it must rank the 9
     * anomalies above the normal test image but for at most one.
     */
    private static final double MIN_AUROC = 0.9;

    @TempDir
    Path dir;

    private static int run(StringWriter err, String... args) {
        CommandLine cli = UnmaskCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** A fashion-mnist package folder whose class 0 is white on the left and the other classes on the right. */
    private Path fakePackage() throws IOException {
        Path clothes = dir.resolve("pkg").resolve("src").resolve("clothes");
        Files.createDirectories(clothes);
        for (int c = 0; c < FashionMnist.CLASS_COUNT; c++) {
            StringBuilder json = new StringBuilder("{\"data\":[");
            for (int i = 0; i < PER_CLASS; i++) {
                json.append(i == 0 ? "[" : ",[");
                for (int p = 0; p < FashionMnist.PIXELS; p++) {
                    boolean left = p % FashionMnist.SIDE < FashionMnist.SIDE / 2;
                    json.append(p == 0 ? "" : ",").append(left == (c == 0) ? 255 : 0);
                }
                json.append(']');
            }
            Files.writeString(clothes.resolve(c + ".json"), json.append("]}"));
        }
        return dir.resolve("pkg");
    }

    @Test
    void oneClassRunWritesPerClassAurocAndCostAndSeparatesTheOracle() throws IOException {
        Path out = dir.resolve("out");
        StringWriter err = new StringWriter();
        int code = run(err, "fmnist", "--data", fakePackage().toString(), "--classes", "0", "--calibration-share", "0.25",
                "--vqvae-steps", "10", "--prior-steps", "12", "--prior-lr", "3e-3", "--batch", "4", "--seed", "3",
                "--cost-images", "1", "--codebook-restart-threshold", "0.95", "-o", out.toString());
        assertEquals(0, code, err.toString());

        JsonNode root = new ObjectMapper().readTree(out.resolve("fmnist.json").toFile());
        JsonNode classes = root.get("classes");
        assertEquals(1, classes.size());
        JsonNode c0 = classes.get(0);
        assertEquals(0, c0.get("class").asInt());
        assertEquals("T-shirt/top", c0.get("name").asText());
        assertEquals(4, c0.get("train_images").asInt());
        assertEquals(0.95, root.get("settings").get("codebook_restart_threshold").asDouble(), 1e-6);
        int codesUsed = c0.get("codes_used").asInt();
        assertTrue(codesUsed >= 1 && codesUsed <= 256, "codes in the training grids " + codesUsed);
        assertEquals(2, c0.get("calibration_images").asInt());
        assertEquals(FashionMnist.CLASS_COUNT * (PER_CLASS / FashionMnist.TEST_SHARE_DENOMINATOR), c0.get("test_images").asInt());
        double auroc = c0.get("auroc").asDouble();
        assertTrue(auroc >= MIN_AUROC, "sample-score AUROC " + auroc);
        assertEquals(auroc, root.get("mean").get("auroc").asDouble(), 0.0);
        assertTrue(c0.get("auroc_total_nll").asDouble() >= 0 && c0.get("auroc_total_nll").asDouble() <= 1);
        assertTrue(c0.get("lambda_s").asDouble() >= c0.get("lambda_p").asDouble(), "98th percentile below the 90th");
        // the held-out images equal the training images here: the prior must beat the uniform distribution on them
        double heldOutNll = c0.get("held_out_nll_per_latent").asDouble();
        assertTrue(heldOutNll > 0 && heldOutNll < Math.log(256), "held-out NLL per latent " + heldOutNll);

        JsonNode cost = c0.get("restoration");
        assertEquals(1, cost.get("images").asInt());
        int naive = 8 * 8 * 15;  // fmnist-32: 8x8 codes, 15 copies, one forward per position
        assertEquals(naive, cost.get("naive_grid_forwards_per_image").asInt());
        assertEquals("incremental", cost.get("schedule").asText(), "the schedule pixel scores use for PixelSNAIL");
        double forwards = cost.get("grid_forward_equivalents_per_image").asDouble();
        // every row of every copy once at least (15 grids' worth), at most the naive count
        assertTrue(forwards >= 15 && forwards <= naive, "grid-forward equivalents " + forwards);
        assertTrue(cost.get("prior_calls_per_image").asDouble() <= 8 + 8 * 8,
                "at most one prior call per row and one after each position");
        assertTrue(c0.get("train_seconds").asDouble() > 0 && c0.get("sample_score_seconds_per_image").asDouble() > 0);

        String markdown = Files.readString(out.resolve("fmnist.md"));
        assertTrue(markdown.contains("| 0 T-shirt/top |") && markdown.contains("| mean |"), markdown);
    }

    @Test
    void missingDataNamesTheFetchScript() {
        StringWriter err = new StringWriter();
        int code = run(err, "fmnist", "--data", dir.resolve("nowhere").toString(), "-o", dir.resolve("out").toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("scripts/fetch-fashion-mnist.sh"), err.toString());
        assertTrue(Files.notExists(dir.resolve("out")), "nothing written without data");
    }

    @Test
    void classOutsideZeroToNineIsRejected() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "fmnist", "--classes", "10", "-o", dir.resolve("out").toString()));
        assertTrue(err.toString().contains("--classes must lie in 0..9"), err.toString());
    }

    /** The defaults reproduce the headline run of docs/evaluation.md (its command spells them out too). */
    @Test
    void defaultsAreTheDocumentedHeadlineSettings() {
        FashionMnistCommand command = new FashionMnistCommand();
        new CommandLine(command).parseArgs();
        assertEquals(600, command.vqvaeSteps);
        assertEquals(300, command.priorSteps);
        assertEquals(0.5f, command.codebookRestart.threshold);
        assertEquals(2, command.costImages);
        TrainingOptions training = new TrainingOptions();
        new CommandLine(training).parseArgs();
        assertEquals(0f, training.codebookRestart.threshold, "the other training commands keep rosinality's default");
    }
}
