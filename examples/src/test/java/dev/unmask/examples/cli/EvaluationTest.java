package dev.unmask.examples.cli;

import dev.unmask.metrics.MetricsReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The evaluation's tables, layouts, histogram, HTML report and progress counter against hand-computed cases. */
class EvaluationTest {
    // hand-computed fractions such as 5/6 compared after floating-point summation
    private static final double EXACT = 1e-12;

    @TempDir
    Path dir;

    private static List<Path> paths(String... names) {
        return java.util.Arrays.stream(names).map(Path::of).toList();
    }

    // three reals and two methods: real 1, 2, 3; method A fakes 2.5, 4; method B fakes 0.5, 3
    private static final List<Path> FOLDERS = paths("real/r1.png", "real/r2.png", "real/sub/r3.png",
            "fake/A/a1.png", "fake/A/x/a2.png", "fake/B/b1.png", "fake/B/b2.png");
    private static final double[] SCORES = {1, 2, 3, 2.5, 4, 0.5, 3};
    private static final boolean[] LABELS = {false, false, false, true, true, true, true};

    @Test
    void perMethodTablesHoldEachMethodsFakesAndAllReals() {
        assertEquals(SampleLayout.FOLDERS, SampleLayout.detect(FOLDERS));
        Map<String, String[]> groupings = SampleLayout.FOLDERS.groupings(FOLDERS, LABELS);
        assertArrayEquals(new String[] {null, null, null, "A", "A", "B", "B"}, groupings.get(SampleLayout.METHOD));
        Evaluation e = Evaluation.of(SCORES, LABELS, 2.75, groupings, null);
        assertEquals(List.of("all samples", "per method"), List.copyOf(e.tables().keySet()));
        // pairs (fake, real) won, ties one half: A 2.5 > {1, 2}, 4 > {1, 2, 3}: 5 of 6
        MetricsReport a = e.tables().get("per method").get("A");
        assertEquals(5, a.samples());
        assertEquals(5.0 / 6, a.auroc(), EXACT);
        // at 2.75: real 3 is a false positive, fake 2.5 a miss: 3 of 5 right
        assertEquals(0.6, a.accuracy(), EXACT);
        // B: 0.5 wins nothing, 3 > {1, 2} and ties 3: 2.5 of 6
        assertEquals(2.5 / 6, e.tables().get("per method").get("B").auroc(), EXACT);
        // all: (5 + 2.5) of 12
        assertEquals(7.5 / 12, e.overall().auroc(), EXACT);
        assertEquals(7, e.overall().samples());
    }

    @Test
    void fakesDirectlyInTheLabelFolderHaveNoMethodTable() {
        List<Path> flat = paths("real/r.png", "fake/f.png");
        assertTrue(SampleLayout.FOLDERS.groupings(flat, new boolean[] {false, true}).isEmpty());
    }

    @Test
    void realAndFakeFaceNamesGroupByDifficultyAndRegions() {
        List<Path> files = paths("training_real/real_00001.jpg", "training_fake/easy_1_1000.jpg",
                "training_fake/hard_2_0110.jpg", "training_fake/easy_3_1111.jpg");
        assertEquals(SampleLayout.REAL_AND_FAKE_FACE, SampleLayout.detect(files));
        Map<String, String[]> g = SampleLayout.REAL_AND_FAKE_FACE.groupings(files, new boolean[] {false, true, true, true});
        assertArrayEquals(new String[] {null, "easy", "hard", "easy"}, g.get(SampleLayout.DIFFICULTY));
        assertArrayEquals(new String[] {null, "left eye", "right eye+nose", "left eye+right eye+nose+mouth"},
                g.get(SampleLayout.REGIONS));
        assertEquals(SampleLayout.REAL_AND_FAKE_FACE, SampleLayout.parse("RFF", files));
        assertThrows(IllegalArgumentException.class, () -> SampleLayout.parse("celeb", files));
    }

    @Test
    void faceForensicsFramesGiveMethodsAndVideoMeans() {
        List<Path> files = paths(
                "original_sequences/youtube/c23/images/000/0001.png", "original_sequences/youtube/c23/images/000/0002.png",
                "original_sequences/youtube/c23/images/001/0001.png",
                "manipulated_sequences/Deepfakes/c23/images/000_003/0001.png",
                "manipulated_sequences/Deepfakes/c23/images/000_003/0002.png",
                "manipulated_sequences/FaceSwap/c23/images/001_004/0001.png");
        assertEquals(SampleLayout.FACEFORENSICS, SampleLayout.detect(files));
        boolean[] labels = {false, false, false, true, true, true};
        double[] scores = {1, 5, 2, 2, 6, 2.5};
        Map<String, String[]> g = SampleLayout.FACEFORENSICS.groupings(files, labels);
        assertArrayEquals(new String[] {null, null, null, "Deepfakes", "Deepfakes", "FaceSwap"}, g.get(SampleLayout.METHOD));
        String[] videos = SampleLayout.FACEFORENSICS.videos(files);
        assertEquals("manipulated_sequences/Deepfakes/c23/images/000_003", videos[3]);
        Evaluation e = Evaluation.of(scores, labels, 3, g, videos);
        assertEquals(List.of("all samples", "per method", "all videos", "per video, per method"),
                List.copyOf(e.tables().keySet()));
        // video means: real 000 (1+5)/2 = 3, real 001 2, Deepfakes 000_003 (2+6)/2 = 4, FaceSwap 001_004 2.5
        // pairs: 4 beats both reals, 2.5 beats 2 only: 3 of 4
        MetricsReport videoLevel = e.tables().get("all videos").get(Evaluation.ALL);
        assertEquals(4, videoLevel.samples());
        assertEquals(0.75, videoLevel.auroc(), EXACT);
        assertEquals(1.0, e.tables().get("per video, per method").get("Deepfakes").auroc(), EXACT);
        assertEquals(0.5, e.tables().get("per video, per method").get("FaceSwap").auroc(), EXACT);
        // frame level, FaceSwap: 2.5 beats 1 and 2 of the reals {1, 5, 2}: 2 of 3
        assertEquals(2.0 / 3, e.tables().get("per method").get("FaceSwap").auroc(), EXACT);
    }

    @Test
    void histogramCountsEachClassPerBinWithTheThresholdInRange() {
        // range [0, 10] (the threshold widens it), 5 bins of width 2
        ScoreHistogram h = ScoreHistogram.of(new double[] {0, 1.99, 2, 3, 4, 9.5, 10}, new boolean[] {false, true, false,
            false, true, true, false}, 10, 5);
        assertEquals(0, h.low());
        assertEquals(10, h.high());
        assertArrayEquals(new int[] {1, 2, 0, 0, 1}, h.realCounts());
        assertArrayEquals(new int[] {1, 0, 1, 0, 1}, h.fakeCounts());
        ScoreHistogram same = ScoreHistogram.of(new double[] {3, 3}, new boolean[] {false, true}, 3, 4);
        assertEquals(4, same.high());
        assertArrayEquals(new int[] {1, 0, 0, 0}, same.realCounts());
        assertThrows(IllegalArgumentException.class, () -> ScoreHistogram.of(new double[] {Double.NaN}, new boolean[1], 0, 3));
    }

    @Test
    void histogramPlotShowsEachClassAsADensityAndMarksTheThreshold() {
        ScoreHistogram h = ScoreHistogram.of(new double[] {0, 1, 2, 3, 4}, new boolean[] {false, false, true, true, true}, 1.5, 8);
        XYChart plot = Plots.histogram("t", "score", h);
        assertArrayEquals(new double[] {1.5, 1.5}, plot.getSeriesMap().get("threshold").getXData());
        double width = 4.0 / 8;
        for (String name : List.of("real", "fake")) {
            double[] x = plot.getSeriesMap().get(name).getXData();
            double[] y = plot.getSeriesMap().get(name).getYData();
            double area = 0;
            for (int i = 0; i < x.length; i += 2) {
                assertEquals(width, x[i + 1] - x[i], 1e-12);
                area += y[i] * width;
            }
            assertEquals(1, area, 1e-12, name + " integrates to 1");
        }
        // two of the five scores are real, both in bins 0 (score 0) and 2 (score 1): density 1 / (2 * 0.5) = 1
        assertEquals(1.0, plot.getSeriesMap().get("real").getYData()[0], 1e-12);
        assertEquals(0.0, plot.getSeriesMap().get("real").getYData()[2], 1e-12);
    }

    @Test
    void rocHasTheChanceDiagonal() {
        XYChart roc = Plots.roc("r", new double[] {0, 0.5, 1}, new double[] {0, 1, 1});
        assertArrayEquals(new double[] {0, 1}, roc.getSeriesMap().get("chance").getYData());
        assertEquals(Plots.WIDTH, Plots.image(roc).getWidth());
    }

    @Test
    void htmlReportHoldsTheTablesAndEmbedsTheImages() throws IOException {
        Evaluation e = Evaluation.of(SCORES, LABELS, 2.75, SampleLayout.FOLDERS.groupings(FOLDERS, LABELS), null);
        HtmlReport report = new HtmlReport("a <test>");
        report.keyValues("settings", Map.of("command", "unmask evaluate x&y"));
        e.addTo(report, e.writePlots(dir));
        String html = report.html();
        assertTrue(html.contains("<title>a &lt;test&gt;</title>"), html);
        assertTrue(html.contains("<td>unmask evaluate x&amp;y</td>"));
        // the AUROCs computed by hand above, as the table prints them
        assertTrue(html.contains("<td>A</td><td>5</td><td>2</td><td>3</td><td>0.8333</td>"), html);
        assertTrue(html.contains("<td>B</td><td>5</td><td>2</td><td>3</td><td>0.4167</td>"));
        assertTrue(html.contains("<td>all</td><td>7</td><td>4</td><td>3</td><td>0.6250</td>"));
        Matcher images = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        int count = 0;
        while (images.find()) {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(images.group(1))));
            assertEquals(Plots.WIDTH, decoded.getWidth());
            count++;
        }
        assertEquals(3, count, "roc, pr and histogram");
    }

    @Test
    void singleClassSetsGetOnlyTheHistogram() {
        Evaluation e = Evaluation.of(new double[] {1, 2}, new boolean[2], 1.5, Map.of(), null);
        assertEquals(List.of("histogram"), List.copyOf(e.plots().keySet()));
        assertTrue(Double.isNaN(e.overall().auroc()));
        Evaluation.Pixels p = Evaluation.Pixels.of(List.of(new float[] {1, 2}), List.of(new boolean[2]), 1, 2);
        assertTrue(Double.isNaN(p.auroc()) && Double.isNaN(p.bestDice()) && Double.isNaN(p.aupro()));
        assertTrue(p.line().contains("AUROC -"), p.line());
    }

    @Test
    void counterLines() {
        assertEquals("images 25/100 (25.0%) elapsed 0:10 ETA 0:30",
                Progress.LineCounter.line("images", 25, 100, Duration.ofSeconds(10), Duration.ofSeconds(30)));
    }

    @Test
    void plainCounterPrintsAboutEveryTenthAndTheEndOnce() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress.Counter c = new Progress.LineCounter(new PrintStream(bytes, true, StandardCharsets.UTF_8), "images", 100);
        for (int i = 0; i < 34; i++) {
            c.advance(3);
        }
        c.advance(0);
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        // every = 10: lines at 12, 24, ..., 96 (8 lines) and 100
        assertEquals(9, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("images 12/100 (12.0%)"), lines.get(0));
        assertTrue(lines.get(8).startsWith("images 100/100 (100.0%)"), lines.get(8));
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("\r"));
    }

    @Test
    void barCounterStopsAtTheTotal() {
        List<String> frames = new java.util.concurrent.CopyOnWriteArrayList<>();
        Progress.Counter c = new Progress.BarCounter(
                Progress.bar("x", 2, new me.tongfei.progressbar.DelegatingProgressBarConsumer(frames::add, 100)));
        c.advance(1);
        c.advance(5);
        String last = frames.get(frames.size() - 1);
        assertTrue(last.contains("2/2") && last.contains("100%"), last);
    }

    @Test
    void noVideosInAFolderLayout() {
        assertNull(SampleLayout.FOLDERS.videos(FOLDERS));
    }
}
