package dev.unmask.spark;

import dev.unmask.faces.FaceCrop;
import dev.unmask.io.MessageText;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;

/**
 * The Spark job: scores the images under a path with a detector and writes {@code OUTPUT/rows} (one row per image
 * or face, {@link SparkScoring#SCHEMA}) and {@code OUTPUT/videos} (per-folder scores, {@link SparkScoring#perVideo}).
 * <pre>
 * spark-submit --class dev.unmask.spark.ScoreJob unmask-spark-job.jar s3a://frames/ --model meso4-df --output s3a://scores/run1
 * </pre>
 * Exit codes: 0 done (some rows may carry errors: they are counted in the summary), 2 bad arguments, a model that
 * cannot be loaded, a missing input or an output that exists.
 */
@Command(name = "unmask-spark", mixinStandardHelpOptions = true,
        description = "Score images with an Unmask detector on Spark: one row per image (or per face with --faces), "
                + "the rows of 'unmask detect', and per-video scores of each frame folder.")
public final class ScoreJob {
    static final int BAD_INPUT = 2;

    /** What the output files are. */
    enum Format { PARQUET, CSV }

    /** What a frame's video is: its folder, or none (no per-video output). */
    enum VideoKey { FOLDER, NONE }

    @Parameters(index = "0", paramLabel = "INPUT", description = "a folder (searched recursively), file or glob that "
            + "Spark reads: a local path, hdfs://..., s3a://...")
    String input;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "NAME-OR-BUNDLE",
            description = "a pretrained model's name (meso4-df, meso4-f2f, mesoinception-df, mesoinception-f2f) or a "
                    + "model bundle (.safetensors), shipped to the executors with the job")
    String model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
            description = "output folder: DIR/rows and DIR/videos, which must not exist")
    String output;

    @Option(names = "--format", paramLabel = "parquet|csv", description = "output format (default: ${DEFAULT-VALUE})")
    Format format = Format.PARQUET;

    @Option(names = "--faces", description = "find faces in each image and score each face's crop, as 'unmask detect "
            + "--faces'")
    boolean faces;

    @Option(names = "--crop-scale", description = "with --faces: the square crop's side over the face box's longer "
            + "side (default: ${DEFAULT-VALUE})")
    double cropScale = FaceCrop.DEFAULT_SCALE;

    @Option(names = "--batch", paramLabel = "N", description = "images per forward pass (default: ${DEFAULT-VALUE})")
    int batch = ScoringOptions.DEFAULTS.batch();

    @Option(names = "--video-key", paramLabel = "folder|none",
            description = "per-video scores by frame folder, or none (default: ${DEFAULT-VALUE})")
    VideoKey videoKey = VideoKey.FOLDER;

    @Option(names = "--glob", paramLabel = "GLOB", description = "file names to read (default: the image extensions "
            + "in any case)")
    String glob = ScoringOptions.IMAGE_GLOB;

    @Option(names = "--max-file-mb", paramLabel = "MB", description = "files larger than this get an error row, "
            + "unread (default: ${DEFAULT-VALUE})")
    long maxFileMegabytes = ScoringOptions.DEFAULT_MAX_FILE_BYTES >> 20;

    @Option(names = "--partitions", paramLabel = "N", description = "spread the files over N partitions (a shuffle); "
            + "0 keeps the file source's split (default: ${DEFAULT-VALUE})")
    int partitions;

    private ScoreJob() {
    }

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().appName("unmask score").getOrCreate();
        int code;
        try {
            code = run(spark, args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        } finally {
            spark.stop();
        }
        System.exit(code);
    }

    /** Runs the job on {@code spark} (left open) with command-line {@code args}; returns the exit code. */
    static int run(SparkSession spark, String[] args, PrintWriter out, PrintWriter err) {
        ScoreJob job = new ScoreJob();
        CommandLine cli = new CommandLine(job).setCaseInsensitiveEnumValuesAllowed(true).setOut(out).setErr(err);
        try {
            CommandLine.ParseResult parsed = cli.parseArgs(args);
            if (CommandLine.printHelpIfRequested(parsed)) {
                return 0;
            }
            return job.score(spark, out);
        } catch (CommandLine.ParameterException e) {
            err.println(MessageText.excerpt(e.getMessage(), MessageText.MAX_MESSAGE_CHARS));
            err.println("see --help");
            return BAD_INPUT;
        } catch (IOException | IllegalArgumentException | AnalysisException e) {
            err.println("unmask-spark: " + MessageText.excerpt(oneLine(e), MessageText.MAX_MESSAGE_CHARS));
            return BAD_INPUT;
        }
    }

    private int score(SparkSession spark, PrintWriter out) throws IOException, AnalysisException {
        ScoringOptions options = new ScoringOptions(faces, cropScale, batch, glob, Math.multiplyExact(maxFileMegabytes,
                1L << 20), partitions);
        String rowsDir = output + "/rows";
        write(SparkScoring.score(spark, input, model, options), rowsDir);
        Dataset<Row> rows = reader(spark).schema(SparkScoring.SCHEMA).load(rowsDir);
        long total = rows.count();
        long failed = rows.filter(col("error").notEqual("")).count();
        long noFace = rows.filter(col("verdict").equalTo(dev.unmask.DetectionRow.NO_FACE)).count();
        out.println(String.format(Locale.ROOT, "%d rows (%d with an error%s) written to %s", total, failed,
                faces ? ", " + noFace + " without a face" : "", rowsDir));
        if (videoKey == VideoKey.FOLDER) {
            String videosDir = output + "/videos";
            write(SparkScoring.perVideo(rows), videosDir);
            out.println("per-video scores written to " + videosDir);
        }
        return 0;
    }

    private void write(Dataset<Row> data, String dir) {
        DataFrameWriter<Row> writer = data.write();
        if (format == Format.CSV) {
            csv(writer).csv(dir);
        } else {
            writer.parquet(dir);
        }
    }

    private DataFrameReader reader(SparkSession spark) {
        DataFrameReader reader = spark.read().format(format.name().toLowerCase(Locale.ROOT));
        return format == Format.CSV ? reader.option("header", "true").option("escape", "\"")
                .option("nullValue", "").option("emptyValue", "") : reader;
    }

    /**
     * CSV as {@code unmask detect} writes it (RFC 4180): a header, quotes doubled inside quoted fields, absent values
     * and empty texts as empty fields, scores as {@link Double#toString} writes them (Spark's own CSV number format).
     */
    static DataFrameWriter<Row> csv(DataFrameWriter<Row> writer) {
        return writer.option("header", "true").option("escape", "\"").option("nullValue", "")
                .option("emptyValue", "").option("lineSep", "\n");
    }

    private static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
