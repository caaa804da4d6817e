package dev.unmask.spark;

import dev.unmask.DetectionRow;
import dev.unmask.data.ImageOps;
import dev.unmask.data.SynthFaces;
import dev.unmask.detectors.latent.TinyLatentModels;
import dev.unmask.faces.FaceBox;
import dev.unmask.metrics.VideoScores;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark job in local mode ({@code local[2]}) against {@code unmask detect} in one JVM ({@link SingleJvmRows}) on
 * the same files: every row equal, scores to the bit, for a supervised family (pretrained Meso-4) and a
 * latent-restoration bundle; corrupt files among the images; batches that do not divide the partitions.
 */
class SparkScoringTest {
    /** Images per forward pass in the job: 4 does not divide the 26 image files nor the partitions' shares. */
    private static final int BATCH = 4;
    /**
     * Spark's avg sums each partition's frames, then the partitions' sums, in another order than the oracle's
     * single pass; the means of a few scores in [0, 1] then differ in the last bits only.
     */
    private static final double MEAN_TOLERANCE = 1e-12;

    @TempDir
    static Path dir;
    private static SparkSession spark;
    private static Path images;
    private static Path tinyBundle;

    @BeforeAll
    static void setUp() throws IOException {
        spark = SparkSession.builder().master("local[2]").appName("unmask-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
        images = dir.resolve("frames");
        SynthFaces faces = new SynthFaces(7, 64, 0.5);
        String[] videos = {"video-a", "video-b", "video-c"};
        int[] frames = {10, 9, 5};
        for (int v = 0; v < videos.length; v++) {
            Path folder = Files.createDirectories(images.resolve(videos[v]));
            for (int f = 0; f < frames[v]; f++) {
                String name = v == 0 && f == 3 ? "UPPER.PNG" : String.format("%03d.png", f);
                ImageIO.write(ImageOps.toBufferedImage(faces.sample(100L * v + f).image()), "png",
                        folder.resolve(name).toFile());
            }
        }
        byte[] whole = Files.readAllBytes(images.resolve("video-b/000.png"));
        Files.write(images.resolve("video-b/truncated.png"), Arrays.copyOf(whole, whole.length / 2));
        byte[] noise = new byte[3000];
        new Random(5).nextBytes(noise);
        Files.write(images.resolve("video-c/random.png"), noise);
        Files.writeString(images.resolve("video-a/notes.txt"), "not an image: the glob skips it, as the CLI does");
        tinyBundle = dir.resolve("tiny-latent.safetensors");
        TinyLatentModels.trained(3).save(tinyBundle);
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void pretrainedMesoNetRowsEqualTheSingleJvmRowsToTheBit() throws IOException {
        ScoringOptions options = ScoringOptions.DEFAULTS.withBatch(BATCH).withPartitions(3);
        Dataset<Row> rows = SparkScoring.score(spark, images.toString(), "meso4-df", options);
        assertTrue(rows.rdd().getNumPartitions() >= 2, "partitions: " + rows.rdd().getNumPartitions());
        List<DetectionRow> expected = SingleJvmRows.detect(images, "meso4-df", false);
        List<DetectionRow> got = rows.collectAsList().stream().map(SparkScoringTest::local).toList();
        assertSameRows(expected, got);
        assertEquals(2, got.stream().filter(r -> !r.error().isEmpty()).count(), "the two corrupt files");
        assertEquals(24, got.stream().filter(DetectionRow::scored).count());
    }

    @Test
    void theJobWritesLatentRestorationRowsAsTheCliCsvAndPerVideoMeans() throws IOException {
        Path output = dir.resolve("tiny-out");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScoreJob.run(spark, new String[] {images.toString(), "--model", tinyBundle.toString(), "--output",
                output.toString(), "--format", "csv", "--batch", Integer.toString(BATCH)},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("26 rows (2 with an error)"), out.toString());
        List<DetectionRow> expected = SingleJvmRows.detect(images, tinyBundle.toString(), false);
        List<CSVRecord> records = csv(output.resolve("rows"));
        Map<String, List<String>> byFile = new HashMap<>();
        for (CSVRecord r : records) {
            List<String> values = new ArrayList<>(r.toList());
            String file = values.get(0);
            values.set(0, localPath(file));
            values.set(10, localError(file, values.get(10)));
            byFile.put(values.get(0), values);
        }
        assertEquals(expected.size(), records.size());
        for (DetectionRow e : expected) {
            assertEquals(e.values(), byFile.get(e.file()), "the CSV fields of " + e.file());
        }

        Map<String, List<CSVRecord>> videos = new HashMap<>();
        for (CSVRecord r : csv(output.resolve("videos"))) {
            videos.computeIfAbsent(r.get("video"), k -> new ArrayList<>()).add(r);
        }
        List<DetectionRow> scored = expected.stream().filter(DetectionRow::scored).toList();
        VideoScores oracle = VideoScores.meanOfFrames(scored.stream().mapToDouble(DetectionRow::normalisedScore).toArray(),
                new boolean[scored.size()], scored.stream().map(r -> Path.of(r.file()).getParent().toString())
                        .toArray(String[]::new));
        assertEquals(3, videos.size());
        for (int v = 0; v < oracle.videoIds().length; v++) {
            String id = oracle.videoIds()[v];
            String key = videos.keySet().stream().filter(k -> localPath(k).equals(id)).findFirst().orElseThrow();
            CSVRecord r = videos.get(key).get(0);
            String folder = id;
            long frames = expected.stream().filter(e -> Path.of(e.file()).getParent().toString().equals(folder)).count();
            double fakeShare = scored.stream().filter(e -> Path.of(e.file()).getParent().toString().equals(folder))
                    .filter(e -> e.verdict().equals(DetectionRow.FAKE)).count() / (double) oracle.frameCounts()[v];
            assertEquals(frames, Long.parseLong(r.get("frames")), id);
            assertEquals(oracle.frameCounts()[v], Integer.parseInt(r.get("scored_frames")), id);
            assertEquals(oracle.scores()[v], Double.parseDouble(r.get("mean_score")), MEAN_TOLERANCE, id);
            assertEquals(fakeShare, Double.parseDouble(r.get("fake_share")), MEAN_TOLERANCE, id);
            assertEquals(oracle.scores()[v] >= 0.5 ? DetectionRow.FAKE : DetectionRow.REAL, r.get("verdict"), id);
            assertEquals("tiny-latent.safetensors", r.get("model"));
        }
    }

    @Test
    void facesAreFoundAndScoredAsTheCliDoes() throws IOException {
        Path pictures = Files.createDirectories(dir.resolve("pictures"));
        for (String name : List.of("astronaut.jpg", "exif_rotated_scene.jpg", "noface_shapes_320x240.png")) {
            try (InputStream in = SparkScoringTest.class.getResourceAsStream("/faces/" + name)) {
                assertNotNull(in, "core's test resource faces/" + name);
                Files.copy(in, pictures.resolve(name));
            }
        }
        byte[] jpeg = Files.readAllBytes(pictures.resolve("astronaut.jpg"));
        Files.write(pictures.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 3));
        List<DetectionRow> expected = SingleJvmRows.detect(pictures, "meso4-df", true);
        List<DetectionRow> got = SparkScoring.score(spark, pictures.toString(), "meso4-df",
                ScoringOptions.DEFAULTS.withFaces(true)).collectAsList().stream().map(SparkScoringTest::local).toList();
        assertSameRows(expected, got);
        assertTrue(got.stream().anyMatch(r -> r.box() != null), "a face was found");
        assertTrue(got.stream().anyMatch(r -> r.verdict().equals(DetectionRow.NO_FACE)), "a picture without a face");
        assertTrue(got.stream().anyMatch(r -> !r.error().isEmpty()), "the cut JPEG");
    }

    @Test
    void filesOverTheLimitGetAnErrorRowUnread() throws IOException {
        long limit;
        try (Stream<Path> walk = Files.walk(images.resolve("video-c"))) {
            long[] sizes = walk.filter(p -> p.toString().endsWith(".png")).mapToLong(p -> p.toFile().length()).sorted()
                    .toArray();
            limit = sizes[sizes.length / 2];
        }
        List<Row> rows = SparkScoring.score(spark, images.resolve("video-c").toString(), "meso4-df",
                ScoringOptions.DEFAULTS.withMaxFileBytes(limit)).collectAsList();
        assertEquals(6, rows.size());
        for (Row row : rows) {
            DetectionRow r = local(row);
            long length = Path.of(r.file()).toFile().length();
            if (length > limit) {
                assertTrue(r.error().endsWith("a file of " + length + " bytes is larger than the " + limit
                        + " bytes read for one image; refused unread"), r.error());
                assertFalse(r.scored());
            } else {
                assertTrue(r.scored() || r.file().endsWith("random.png"), r.toString());
            }
        }
    }

    @Test
    void aBadModelOrAnExistingOutputIsOneLineAndExitCode2() throws IOException {
        Path missing = dir.resolve("no-such-model.safetensors");
        StringWriter err = new StringWriter();
        int code = ScoreJob.run(spark, new String[] {images.toString(), "-m", missing.toString(), "-o",
                dir.resolve("never").toString()}, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertEquals(ScoreJob.BAD_INPUT, code);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains("no-such-model.safetensors"), err.toString());

        Path taken = Files.createDirectories(dir.resolve("taken/rows"));
        Files.writeString(taken.resolve("keep.txt"), "kept");
        StringWriter err2 = new StringWriter();
        code = ScoreJob.run(spark, new String[] {images.resolve("video-c").toString(), "-m", "meso4-df", "-o",
                taken.getParent().toString()}, new PrintWriter(new StringWriter(), true), new PrintWriter(err2, true));
        assertEquals(ScoreJob.BAD_INPUT, code);
        assertTrue(err2.toString().contains("already exists"), err2.toString());
        assertEquals("kept", Files.readString(taken.resolve("keep.txt")));
    }

    /**
     * Every expected row once, equal field by field: the record's equality compares the doubles exactly (as
     * {@link Double#compare}), so the scores are the same to the bit.
     */
    private static void assertSameRows(List<DetectionRow> expected, List<DetectionRow> got) {
        Comparator<DetectionRow> order = Comparator.comparing(DetectionRow::file)
                .thenComparing(r -> r.box() == null ? "" : r.box().toString());
        List<DetectionRow> e = expected.stream().sorted(order).toList();
        List<DetectionRow> g = got.stream().sorted(order).toList();
        assertEquals(e.size(), g.size(), "rows");
        for (int i = 0; i < e.size(); i++) {
            assertEquals(e.get(i), g.get(i), e.get(i).file());
            assertEquals(Double.doubleToRawLongBits(e.get(i).rawScore()), Double.doubleToRawLongBits(g.get(i).rawScore()));
        }
    }

    /** A row of the job with its file as a local path, as the CLI names it (Spark names it file:/...). */
    private static DetectionRow local(Row row) {
        String file = row.getString(0);
        FaceBox box = row.isNullAt(2) ? null : new FaceBox(row.getInt(2), row.getInt(3), row.getInt(4), row.getInt(5));
        return new DetectionRow(localPath(file), row.isNullAt(1) ? -1 : row.getInt(1), box, row.getString(6),
                row.isNullAt(7) ? Double.NaN : row.getDouble(7), row.isNullAt(8) ? Double.NaN : row.getDouble(8),
                row.getString(9), localError(file, row.getString(10)));
    }

    private static String localPath(String file) {
        return new org.apache.hadoop.fs.Path(file).toUri().getPath();
    }

    /** An error message names the file as the job read it; the CLI names the local path. */
    private static String localError(String file, String error) {
        return error.startsWith(file + ": ") ? localPath(file) + error.substring(file.length()) : error;
    }

    /** The records of every CSV part file under {@code folder}. */
    private static List<CSVRecord> csv(Path folder) throws IOException {
        List<CSVRecord> out = new ArrayList<>();
        List<Path> parts;
        try (Stream<Path> list = Files.list(folder)) {
            parts = list.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
        }
        assertFalse(parts.isEmpty(), "no part files in " + folder);
        for (Path part : parts) {
            try (Reader in = Files.newBufferedReader(part)) {
                List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                        .parse(in).getRecords();
                out.addAll(records);
            }
        }
        return out;
    }
}
