package dev.unmask.spark;

import dev.unmask.DetectionRow;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.when;

/**
 * Batch scoring of image files with any detector on Apache Spark: the rows of {@code unmask detect}, computed on a
 * cluster.
 * <pre>{@code
 * Dataset<Row> rows = SparkScoring.score(spark, "s3a://uploads/2026/12/*", "meso4-df", ScoringOptions.DEFAULTS);
 * rows.write().parquet("s3a://scores/2026-12");
 * }</pre>
 * Files are listed by Spark's {@code binaryFile} source (recursively, names matching
 * {@link ScoringOptions#pathGlobFilter}) on any Hadoop file system; each executor JVM loads the detector once
 * ({@link ModelSource}) and scores its partitions in batches inside {@code mapPartitions}, reading each file's bytes
 * as its batch comes. Rows have {@link #SCHEMA}: {@link DetectionRow#COLUMNS} with absent values null, so a row's
 * values written as CSV are {@link DetectionRow#values()} of the same image in {@code unmask detect}.
 */
public final class SparkScoring {
    /** {@link DetectionRow#COLUMNS}: texts, ints (frame, box, track) and doubles (scores); null where a value is absent. */
    public static final StructType SCHEMA = schema();

    /** The columns of {@link #perVideo}. */
    public static final List<String> VIDEO_COLUMNS = List.of("video", "model", "frames", "scored_frames", "mean_score",
            "fake_share", "verdict");

    private SparkScoring() {
    }

    /**
     * Scores the image files under {@code input} (a folder, file or glob that Spark reads: local, {@code hdfs://},
     * {@code s3a://}) with {@code model}, a pretrained model's name ({@link dev.unmask.Detector#PRETRAINED}) or a
     * bundle path, shipped to the executors with the job. Lazy, as Spark datasets are: the scoring runs when the
     * result is written or collected. Files that cannot be read, decoded or scored get a row with the error column
     * filled; files over {@link ScoringOptions#maxFileBytes} are never read.
     *
     * @throws IOException when the model bundle cannot be loaded (checked here, before any task runs)
     */
    public static Dataset<Row> score(SparkSession spark, String input, String model, ScoringOptions options)
            throws IOException {
        ModelSource source = ModelSource.open(spark, model);
        // binaryFile lists the files; each is read as it is scored (PartitionScorer), so a partition's bytes are never
        // all held at once and a file over the limit is never read
        Dataset<Row> read = spark.read().format("binaryFile")
                .option("pathGlobFilter", options.pathGlobFilter())
                .option("recursiveFileLookup", "true")
                .load(input)
                .select(col("path"), col("length"));
        if (options.partitions() > 0) {
            read = read.repartition(options.partitions());
        }
        // once per executor, as Spark's own file sources ship it, rather than inside every task
        Broadcast<HadoopConfiguration> hadoop = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(new HadoopConfiguration(spark.sparkContext().hadoopConfiguration()));
        return read.mapPartitions(new PartitionScorer(source, hadoop, options), Encoders.row(SCHEMA));
    }

    /**
     * Video-level scores of {@link #score}'s rows, the video being a frame's folder (FaceForensics++ keeps a video's
     * extracted frames in one folder): a frame's score is its most suspicious face's normalised score (its only
     * score without face finding); per video and model, {@code frames} (files), {@code scored_frames} (frames with a
     * score), {@code mean_score} (mean frame score), {@code fake_share} (share of scored frames at or above 0.5) and
     * {@code verdict} ({@value DetectionRow#FAKE} when the mean score is at or above 0.5); scores and verdict null
     * when no frame was scored. Columns {@link #VIDEO_COLUMNS}.
     */
    public static Dataset<Row> perVideo(Dataset<Row> rows) {
        Column score = col("score");
        return rows.groupBy(col("file"), col("model")).agg(max(col("normalised_score")).as("score"))
                .withColumn("video", regexp_extract(col("file"), "^(.*)/[^/]*$", 1))
                .groupBy(col("video"), col("model"))
                .agg(count(lit(1)).as("frames"), count(score).as("scored_frames"), avg(score).as("mean_score"),
                        avg(when(score.geq(0.5), 1.0).when(score.isNotNull(), 0.0)).as("fake_share"))
                .withColumn("verdict", when(col("mean_score").geq(0.5), DetectionRow.FAKE)
                        .when(col("mean_score").isNotNull(), DetectionRow.REAL))
                .select(VIDEO_COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
    }

    /** {@code row} in {@link #SCHEMA}. */
    static Row toRow(DetectionRow row) {
        boolean box = row.box() != null;
        return RowFactory.create(row.file(), row.frame() < 0 ? null : row.frame(),
                box ? row.box().x() : null, box ? row.box().y() : null,
                box ? row.box().width() : null, box ? row.box().height() : null,
                row.model(), present(row.rawScore()), present(row.normalisedScore()), row.verdict(), row.error(),
                row.track() < 0 ? null : row.track());
    }

    private static Double present(double score) {
        return Double.isNaN(score) ? null : score;
    }

    private static StructType schema() {
        List<StructField> fields = new ArrayList<>();
        for (String column : DetectionRow.COLUMNS) {
            DataType type = column.equals("frame") || column.equals("track") || column.startsWith("box_") ? DataTypes.IntegerType
                    : column.endsWith("_score") ? DataTypes.DoubleType : DataTypes.StringType;
            fields.add(DataTypes.createStructField(column, type, type != DataTypes.StringType));
        }
        return DataTypes.createStructType(fields);
    }
}
