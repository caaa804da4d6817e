package dev.unmask.examples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A demo run shrunk to seconds: what it prints and what its report holds. */
class DemoCommandTest {
    // the demo's 8x8 latent grid and the restoration's 15 copies: the naive loop runs all copies at every position
    private static final int NAIVE_FORWARDS = 8 * 8 * 15;

    @Test
    void tinyDemoPrintsAndReportsPixelMetricsAndTheRestorationCost(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        StringWriter err = new StringWriter();
        int code;
        try {
            CommandLine cli = UnmaskCommand.commandLine();
            cli.setErr(new PrintWriter(err, true));
            code = cli.execute("demo", "-o", dir.toString(), "--train-images", "32", "--calibration-images", "8",
                    "--test-images", "2", "--anomaly-images", "5", "--vqvae-steps", "2", "--prior-steps", "2");
        } finally {
            System.setOut(previous);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err + out);
        Matcher cost = Pattern.compile("cost \\(incremental restoration\\): ([0-9.]+) prior grid-forward equivalents per "
                + "image \\(naive h\\*w\\*copies (\\d+), ").matcher(out);
        assertTrue(cost.find(), out);
        assertEquals(NAIVE_FORWARDS, Integer.parseInt(cost.group(2)));
        double incremental = Double.parseDouble(cost.group(1));
        // every row of every copy once at least (15 grids' worth), at most the naive count
        assertTrue(incremental >= 15 && incremental <= NAIVE_FORWARDS, out);
        Matcher pixel = Pattern.compile("\npixel: AUROC (\\S+)  AP (\\S+)  best Dice (\\S+)  AUPRO (\\S+) \\(4 images\\)")
                .matcher(out);
        assertTrue(pixel.find(), out);
        Matcher image = Pattern.compile("image: AUROC ([0-9.]+)").matcher(out);
        assertTrue(image.find(), out);
        assertTrue(out.contains("\nper manipulation\n"), out);
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<td>all</td><td>4</td><td>2</td><td>2</td><td>" + image.group(1) + "</td>"), html);
        assertTrue(html.contains("<td>pixel AUROC</td><td>" + pixel.group(1) + "</td>"));
        assertTrue(html.contains("<td>pixel AP</td><td>" + pixel.group(2) + "</td>"));
        assertTrue(html.contains("<td>best Dice</td><td>" + pixel.group(3) + "</td>"));
        assertTrue(html.contains("<td>AUPRO (FPR &lt;= 0.3)</td><td>" + pixel.group(4) + "</td>"), html);
        // the anomalies: one of each of the five kinds against the 2 real test faces, 7 images in the pixel metrics
        Matcher anomalies = Pattern.compile("anomalies, pixel: AUROC ([0-9.]+)  AP ([0-9.]+)  best Dice ([0-9.]+)  "
                + "AUPRO ([0-9.]+) \\(7 images\\)").matcher(out);
        assertTrue(anomalies.find(), out);
        for (String kind : new String[] {"bright patch", "dark patch", "noise patch", "deformation", "foreign texture"}) {
            assertTrue(Pattern.compile("\n" + kind + " +3 +1 +2 ").matcher(out).find(), kind + " row in: " + out);
        }
        assertTrue(html.contains("MOOD-style anomalies: 5 anomalous faces against the 2 real test faces"), html);
        assertTrue(html.contains("<td>prior grid forwards per image, naive (h*w*copies)</td><td>" + NAIVE_FORWARDS + "</td>"));
        Matcher reported = Pattern.compile("<td>prior grid-forward equivalents per image, incremental schedule</td><td>([0-9.]+)</td>")
                .matcher(html);
        assertTrue(reported.find(), html);
        // the printed value has one decimal
        assertEquals(incremental, Double.parseDouble(reported.group(1)), 0.05 + 1e-9);
        assertTrue(html.contains("seconds per image, pixel score"));
        assertTrue(Files.isRegularFile(dir.resolve("histogram.png")) && Files.isRegularFile(dir.resolve("model.safetensors")));
        // the oracle (make_mesonet_goldens.py, checked in MesoNetFamilyTest) calls all four faces right with Meso4_DF
        for (String face : PretrainedSamples.FACES) {
            String label = face.startsWith("df/") ? "fake" : "real";
            Matcher row = Pattern.compile("meso4-df +" + Pattern.quote(face) + " +" + label + " +(\\S+) +([0-9.]+)").matcher(out);
            assertTrue(row.find(), out);
            assertEquals(label, row.group(1), face);
        }
        assertTrue(html.contains("pretrained MesoNet on the official sample faces"));
    }
}
