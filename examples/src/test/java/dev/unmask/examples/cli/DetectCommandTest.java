package dev.unmask.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unmask.Detection;
import dev.unmask.DetectionRow;
import dev.unmask.Detector;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectCommandTest {
    @TempDir
    static Path dir;
    private static Path bundle;
    private static Path images;

    @BeforeAll
    static void setUp() throws IOException {
        bundle = CliFixtures.tinyBundle(dir);
        images = CliFixtures.images(dir);
    }

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

    private static List<CSVRecord> parse(Reader in) throws IOException {
        return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
    }

    @Test
    void everyImageGetsTheDetectorsExactScoresAndACorruptOneAnErrorRow() throws IOException {
        Path corrupt = images.resolve("sub/e-corrupt.png");
        Files.write(corrupt, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        try {
            Path csv = dir.resolve("out/rows.csv");
            Run r = run("detect", "--model", bundle.toString(), "-o", csv.toString(), images.toString());
            assertEquals(UnmaskCommand.FAILURE, r.code(), "a skipped input makes the exit code 1: " + r.err());
            assertTrue(r.err().contains("1 skipped"), r.err());
            List<CSVRecord> rows;
            try (Reader in = Files.newBufferedReader(csv)) {
                rows = parse(in);
            }
            assertEquals(5, rows.size());
            try (Detector detector = Detector.load(bundle)) {
                for (CSVRecord row : rows) {
                    Path file = Path.of(row.get("file"));
                    if (file.equals(corrupt)) {
                        assertFalse(row.get("error").isEmpty());
                        assertEquals("", row.get("raw_score"));
                        continue;
                    }
                    Detection d = detector.detect(file);
                    assertEquals(d.rawScore(), Double.parseDouble(row.get("raw_score")), "exact, not rounded");
                    assertEquals(d.normalisedScore(), Double.parseDouble(row.get("normalised_score")));
                    assertEquals(d.fake() ? DetectionRow.FAKE : DetectionRow.REAL, row.get("verdict"));
                    assertEquals("tiny.safetensors", row.get("model"));
                }
            }
        } finally {
            Files.delete(corrupt);
        }
    }

    @Test
    void standardOutputAndJsonCarryTheSameRows() throws IOException {
        Run csv = run("detect", "-m", bundle.toString(), images.toString());
        assertEquals(0, csv.code(), csv.err());
        List<CSVRecord> rows = parse(new StringReader(csv.out()));
        Path json = dir.resolve("rows.json");
        assertEquals(0, run("detect", "-m", bundle.toString(), "-o", json.toString(), images.toString()).code());
        JsonNode array = new ObjectMapper().readTree(json.toFile());
        assertEquals(4, rows.size());
        assertEquals(4, array.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(rows.get(i).get("file"), array.get(i).get("file").asText());
            assertEquals(Double.parseDouble(rows.get(i).get("raw_score")), array.get(i).get("raw_score").doubleValue());
            assertTrue(array.get(i).get("box_x").isNull());
        }
    }

    @Test
    void aFileNameWithACarriageReturnStaysOneField() throws IOException {
        Path odd = dir.resolve("odd");
        Files.createDirectories(odd);
        Path weird = odd.resolve("a,\"b\"\rc.png");
        Files.copy(images.resolve("a-real.png"), weird);
        Run r = run("detect", "-m", bundle.toString(), odd.toString());
        assertEquals(0, r.code(), r.err());
        List<CSVRecord> rows = parse(new StringReader(r.out()));
        assertEquals(1, rows.size());
        assertEquals(weird.toString(), rows.get(0).get("file"));
    }

    @Test
    void aMissingModelIsNamedAsMissingAndNothingIsWritten() {
        Path csv = dir.resolve("never.csv");
        Run r = run("detect", "-m", dir.resolve("missing.safetensors").toString(), "-o", csv.toString(), images.toString());
        assertEquals(UnmaskCommand.USAGE, r.code());
        assertTrue(r.err().contains("missing.safetensors does not exist"), r.err());
        assertTrue(r.err().lines().count() == 1, r.err());
        assertFalse(Files.exists(csv) && readQuietly(csv).lines().count() > 1, "no rows for a run that never started");
    }

    @Test
    void anExplicitCudaBackendThatCannotStartIsAnErrorAndAutoFallsBack() {
        Run strict = run("detect", "-m", bundle.toString(), "--backend", "cuda", images.toString());
        Run auto = run("detect", "-m", bundle.toString(), "--backend", "auto", images.toString());
        org.junit.jupiter.api.Assumptions.assumeTrue(strict.code() != 0 || !strict.err().isEmpty(),
                "a CUDA driver is present: nothing to refuse");
        assertEquals(UnmaskCommand.FAILURE, strict.code(), strict.err());
        assertTrue(strict.err().contains("CUDA backend cannot start"), strict.err());
        assertEquals(0, auto.code(), auto.err());
        assertEquals(4, auto.out().lines().count() - 1);
    }

    @Test
    void anOfficialKerasFileScoresAsItsPretrainedBundle() throws IOException {
        Path shared = Path.of("").toAbsolutePath().getParent().getParent().resolve("shared/data/mesonet");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shared),
                "../shared/data/mesonet is absent: the official MesoNet files are not here");
        Path faces = shared.resolve("test_images");
        Run fromH5 = run("detect", "-m", shared.resolve("weights/Meso4_DF.h5").toString(), faces.toString());
        Run fromName = run("detect", "-m", "meso4-df", faces.toString());
        assertEquals(0, fromH5.code(), fromH5.err());
        assertEquals(0, fromName.code(), fromName.err());
        List<CSVRecord> a = parse(new StringReader(fromH5.out()));
        List<CSVRecord> b = parse(new StringReader(fromName.out()));
        assertEquals(4, a.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(b.get(i).get("raw_score"), a.get(i).get("raw_score"));
            assertEquals(b.get(i).get("verdict"), a.get(i).get("verdict"));
            assertEquals(a.get(i).get("file").contains("/df/") ? DetectionRow.FAKE : DetectionRow.REAL, a.get(i).get("verdict"),
                    "Meso4_DF calls its own test faces right: " + a.get(i).get("file"));
        }
    }

    @Test
    void withFacesEveryFaceGetsARowWithItsBoxAndAFacelessImageANoFaceRow() throws IOException {
        Path folder = dir.resolve("scenes");
        Files.createDirectories(folder);
        Path faceless = folder.resolve("blank.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(120, 90, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", faceless.toFile());
        Path scene = folder.resolve("scene.jpg");
        try (java.io.InputStream in = dev.unmask.Detector.class.getResourceAsStream("/dev/unmask/pretrained/meso4-df.safetensors")) {
            org.junit.jupiter.api.Assumptions.assumeTrue(in != null, "no pretrained bundle on the class path");
        }
        Path shared = Path.of("").toAbsolutePath().getParent().getParent().resolve("shared/data/mesonet/test_images/real/real00240.jpg");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(shared), "../shared/data is absent");
        // the official face pasted at (100, 60) onto a 480 x 360 grey picture
        java.awt.image.BufferedImage picture = new java.awt.image.BufferedImage(480, 360, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = picture.createGraphics();
        g.setColor(java.awt.Color.GRAY);
        g.fillRect(0, 0, 480, 360);
        g.drawImage(javax.imageio.ImageIO.read(shared.toFile()), 100, 60, 200, 200, null);
        g.dispose();
        javax.imageio.ImageIO.write(picture, "jpg", scene.toFile());
        Run r = run("detect", "-m", "meso4-df", "--faces", folder.toString());
        assertEquals(0, r.code(), r.err());
        List<CSVRecord> rows = parse(new StringReader(r.out()));
        CSVRecord none = rows.stream().filter(x -> x.get("file").equals(faceless.toString())).findFirst().orElseThrow();
        assertEquals(DetectionRow.NO_FACE, none.get("verdict"));
        assertEquals("", none.get("raw_score"));
        List<CSVRecord> found = rows.stream().filter(x -> x.get("file").equals(scene.toString())).toList();
        assertFalse(found.isEmpty(), r.out());
        try (Detector detector = Detector.pretrained("meso4-df")) {
            List<Detection> expected = detector.detectFaces(scene, dev.unmask.FaceFinding.defaults(),
                    dev.unmask.DetectionOptions.DEFAULTS);
            assertEquals(expected.size(), found.size());
            for (int i = 0; i < found.size(); i++) {
                assertEquals(Integer.toString(expected.get(i).box().x()), found.get(i).get("box_x"));
                assertEquals(Integer.toString(expected.get(i).box().width()), found.get(i).get("box_width"));
                assertEquals(expected.get(i).rawScore(), Double.parseDouble(found.get(i).get("raw_score")));
            }
        }
        // the face the pasted photo shows lies inside the pasted square
        assertTrue(found.stream().anyMatch(x -> new dev.unmask.faces.FaceBox(Integer.parseInt(x.get("box_x")),
                Integer.parseInt(x.get("box_y")), Integer.parseInt(x.get("box_width")), Integer.parseInt(x.get("box_height")))
                .iou(new dev.unmask.faces.FaceBox(100, 60, 200, 200)) > 0.2), r.out());
    }

    @Test
    void versionPrintsTheProjectVersion() {
        Run r = run("--version");
        assertEquals(0, r.code());
        assertEquals("unmask " + System.getProperty("project.version"), r.out().strip());
    }

    @Test
    void theOutputIsNeverWrittenOverTheModelOrAnInput() throws IOException {
        Path model = dir.resolve("copy.csv");
        Files.copy(bundle, model);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutputFiles.refuseOverwriting(model, List.of(model)));
        assertTrue(e.getMessage().contains("refusing"), e.getMessage());
        assertEquals(Files.size(bundle), Files.size(model));
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
