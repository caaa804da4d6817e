package dev.unmask.examples.cli;

import dev.unmask.Detection;
import dev.unmask.DetectionRow;
import dev.unmask.Detector;
import dev.unmask.FrameDetections;
import dev.unmask.VideoDetection;
import dev.unmask.VideoOptions;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code detect} on videos (rows per face per frame and per video, sampling, timelines, failures) and
 * {@code evaluate --faces}, on the test videos of core/src/test/resources/video (tools/goldens/video/).
 */
class DetectVideoCommandTest {
    @TempDir
    static Path dir;
    private static Path videos;

    @BeforeAll
    static void locate() {
        videos = Path.of("").toAbsolutePath().getParent().resolve("core/src/test/resources/video");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(videos.resolve("alternating.mp4")),
                "the test videos of core/src/test/resources/video are absent");
    }

    private record Run(int code, String out, String err) {
    }

    /** Runs the command line with picocli's streams and System.err (progress, evaluate's messages) captured. */
    private static Run run(String... args) {
        ByteArrayOutputStream systemErr = new ByteArrayOutputStream();
        PrintStream previousErr = System.err;
        System.setErr(new PrintStream(systemErr, true, StandardCharsets.UTF_8));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try {
            CommandLine cli = UnmaskCommand.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            code = cli.execute(args);
        } finally {
            System.setErr(previousErr);
        }
        return new Run(code, out.toString(), err + systemErr.toString(StandardCharsets.UTF_8));
    }

    private static List<CSVRecord> parse(Reader in) throws IOException {
        return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
    }

    private static List<CSVRecord> rowsOf(List<CSVRecord> rows, Path file) {
        return rows.stream().filter(r -> r.get("file").equals(file.toString())).toList();
    }

    @Test
    void aVideoGetsARowPerFacePerFrameAndOneForTheWholeVideo() throws IOException {
        Path alternating = videos.resolve("alternating.mp4");
        Path twoFaces = videos.resolve("two_faces.mp4");
        Path noFace = videos.resolve("no_face.mp4");
        Path hevc = videos.resolve("hevc.mp4");
        Path plots = dir.resolve("timelines");
        Path csv = dir.resolve("video-rows.csv");
        Run r = run("detect", "-m", "meso4-df", "-o", csv.toString(), "--timeline", plots.toString(),
                alternating.toString(), hevc.toString(), twoFaces.toString(), noFace.toString());
        assertEquals(UnmaskCommand.FAILURE, r.code(), "the HEVC video fails, the others go on: " + r.err());
        List<CSVRecord> rows;
        try (Reader in = Files.newBufferedReader(csv)) {
            rows = parse(in);
        }
        assertEquals(DetectionRow.COLUMNS, List.copyOf(rows.get(0).getParser().getHeaderNames()));

        try (Detector detector = Detector.pretrained("meso4-df")) {
            for (Path video : List.of(alternating, twoFaces)) {
                VideoDetection expected = detector.detectVideo(video, VideoOptions.defaults());
                List<CSVRecord> got = rowsOf(rows, video);
                int faces = expected.frames().stream().mapToInt(f -> f.faces().size()).sum();
                assertEquals(faces + 1, got.size(), video + ": a row per face and one for the video");
                int k = 0;
                double sum = 0;
                int fakeFrames = 0;
                for (FrameDetections f : expected.frames()) {
                    double most = 0;
                    for (int i = 0; i < f.faces().size(); i++) {
                        CSVRecord row = got.get(k++);
                        Detection d = f.faces().get(i);
                        assertEquals(Integer.toString(f.frame()), row.get("frame"));
                        assertEquals(Integer.toString(d.box().x()), row.get("box_x"));
                        assertEquals(Integer.toString(f.tracks().get(i)), row.get("track"));
                        assertEquals(d.normalisedScore(), Double.parseDouble(row.get("normalised_score")));
                        most = Math.max(most, Double.parseDouble(row.get("normalised_score")));
                    }
                    sum += most;
                    fakeFrames += most >= 0.5 ? 1 : 0;
                }
                CSVRecord whole = got.get(got.size() - 1);
                int frames = expected.frames().size();
                assertEquals("", whole.get("frame"));
                assertEquals("", whole.get("track"));
                assertEquals(sum / frames, Double.parseDouble(whole.get("normalised_score")), 1e-12,
                        "the video's score is the mean of its frames' most suspicious faces");
                assertEquals((double) fakeFrames / frames, Double.parseDouble(whole.get("raw_score")), 1e-15,
                        "the raw score of a video's row is the share of frames judged fake");
                assertEquals(sum / frames >= 0.5 ? DetectionRow.FAKE : DetectionRow.REAL, whole.get("verdict"));
                Path png = plots.resolve(video.getFileName().toString().replace(".mp4", "-timeline.png"));
                BufferedImage plot = ImageIO.read(png.toFile());
                assertEquals(Plots.TIMELINE_WIDTH, plot.getWidth());
            }
        }
        List<String> alternatingVerdicts = rowsOf(rows, alternating).stream().map(x -> x.get("verdict")).toList();
        assertEquals(List.of("real", "fake", "real", "fake", "real", "fake", "real", "fake"),
                alternatingVerdicts.subList(0, 8), "the planted sequence");

        List<CSVRecord> none = rowsOf(rows, noFace);
        assertEquals(7, none.size(), "6 frames without a face and the video");
        for (int i = 0; i < 6; i++) {
            assertEquals(Integer.toString(i), none.get(i).get("frame"));
            assertEquals(DetectionRow.NO_FACE, none.get(i).get("verdict"));
        }
        assertEquals("", none.get(6).get("frame"));
        assertEquals(DetectionRow.NO_FACE, none.get(6).get("verdict"));
        assertEquals("", none.get(6).get("normalised_score"));

        List<CSVRecord> failed = rowsOf(rows, hevc);
        assertEquals(1, failed.size());
        assertTrue(failed.get(0).get("error").contains("unsupported video codec 'hev1' (H.265/HEVC)"),
                failed.get(0).get("error"));
        assertTrue(r.err().contains("skipped: ") && r.err().contains("hevc.mp4"), r.err());
        assertTrue(r.err().contains("3 videos (1 fake), 1 skipped"), r.err());
        assertTrue(r.err().contains("frames of alternating.mp4 8/8 (100.0%)"), "progress over a video's frames: " + r.err());
    }

    @Test
    void everyNthAndFramesPerSecond() throws IOException {
        Path alternating = videos.resolve("alternating.mp4");
        Run nth = run("detect", "-m", "meso4-df", "--every-nth", "3", alternating.toString());
        assertEquals(0, nth.code(), nth.err());
        assertEquals(List.of("0", "3", "6", ""), parse(new StringReader(nth.out())).stream().map(x -> x.get("frame")).toList());
        Run fps = run("detect", "-m", "meso4-df", "--fps", "4", alternating.toString());
        assertEquals(0, fps.code(), fps.err());
        assertEquals(List.of("0", "3", "5", ""), parse(new StringReader(fps.out())).stream().map(x -> x.get("frame")).toList());
        Run both = run("detect", "-m", "meso4-df", "--fps", "4", "--every-nth", "2", alternating.toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--every-nth and --fps cannot be combined"), both.err());
        Run zero = run("detect", "-m", "meso4-df", "--every-nth", "0", alternating.toString());
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("--every-nth must be at least 1"), zero.err());
    }

    @Test
    void videosInFoldersAndByTheirContentAreFoundBesideImages() throws IOException {
        Path folder = dir.resolve("mixed");
        Files.createDirectories(folder.resolve("clips"));
        Files.copy(videos.resolve("real.mp4"), folder.resolve("clips/real.mov"));
        Files.copy(videos.resolve("alternating_frame_1.png"), folder.resolve("frame.png"));
        Files.writeString(folder.resolve("notes.txt"), "not an input");
        Path unnamed = dir.resolve("clip-without-extension");
        Files.copy(videos.resolve("fake.mp4"), unnamed);
        Run r = run("detect", "-m", "meso4-df", "--faces", folder.toString(), unnamed.toString());
        assertEquals(0, r.code(), r.err());
        List<CSVRecord> rows = parse(new StringReader(r.out()));
        assertEquals(1, rowsOf(rows, folder.resolve("frame.png")).size(), "one face in the picture");
        assertEquals(9, rowsOf(rows, folder.resolve("clips/real.mov")).size(), "8 frames and the video");
        List<CSVRecord> sniffed = rowsOf(rows, unnamed);
        assertEquals(9, sniffed.size(), "an MP4 without its extension is read as a video");
        assertEquals(DetectionRow.FAKE, sniffed.get(8).get("verdict"));
        assertEquals("1.0", sniffed.get(8).get("raw_score"), "every frame of the fake video judged fake");
        assertTrue(rows.stream().noneMatch(x -> x.get("file").endsWith("notes.txt")));
    }

    @Test
    void evaluateWithFacesScoresCropsAndLeavesOutImagesWithoutAFace() throws IOException {
        Path root = dir.resolve("labelled");
        Files.createDirectories(root.resolve("real"));
        Files.createDirectories(root.resolve("fake"));
        Files.copy(videos.resolve("alternating_frame_0.png"), root.resolve("real/frame0.png"));
        Files.copy(videos.resolve("alternating_frame_1.png"), root.resolve("fake/frame1.png"));
        Files.copy(videos.resolve("alternating_frame_5.png"), root.resolve("fake/frame5.png"));
        ImageIO.write(new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB), "png", root.resolve("real/blank.png").toFile());
        Path bundle = dir.resolve("meso4-df.safetensors");
        try (InputStream in = Detector.class.getResourceAsStream("/dev/unmask/pretrained/meso4-df.safetensors")) {
            org.junit.jupiter.api.Assumptions.assumeTrue(in != null, "no pretrained bundle on the class path");
            Files.copy(in, bundle);
        }
        Path out = dir.resolve("evaluated");
        Run r = run("evaluate", "-m", bundle.toString(), "--faces", "-o", out.toString(), root.toString());
        assertEquals(UnmaskCommand.FAILURE, r.code(), "an image without a face is left out and reported: " + r.err());
        assertTrue(r.err().contains("blank.png: no face found"), r.err());
        assertTrue(r.err().contains("1 of 4 images skipped (unreadable or no face found)"), r.err());
        // the crops score the real face 0.05 and the fake ones 0.8 and more (VideoScoringTest's frames): AUROC 1
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<td>all</td><td>3</td><td>2</td><td>1</td><td>1.0000</td>"), html);
        Run whole = run("evaluate", "-m", bundle.toString(), "--faces", "--masks", root.toString(), root.toString());
        assertEquals(2, whole.code());
        assertTrue(whole.err().contains("--masks cannot be combined with --faces"), whole.err());
    }
}
