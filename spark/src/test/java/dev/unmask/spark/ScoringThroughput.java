package dev.unmask.spark;

import dev.unmask.Detector;
import dev.unmask.backend.cpu.kernels.ParallelFor;
import dev.unmask.data.ImageOps;
import dev.unmask.data.SynthFaces;
import org.apache.spark.sql.SparkSession;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Images per second of the Spark job in {@code local[2]} against {@code unmask detect} in one JVM, on the same
 * image files: SynthFaces at the model's input size, 100 per folder. The CLI runs as its own process
 * ({@code java -jar examples/target/unmask.jar detect}, timed whole: JVM start, model load, decoding, scoring, CSV);
 * the job runs in this JVM after its Spark session has started and after one job of Spark alone over the same files
 * (listing them with {@code binaryFile} and writing their paths as CSV: the engine's own class loading and
 * code generation); both are timed apart and excluded. The job scores and writes the same CSV rows as the CLI.
 * Each side runs {@code rounds} times, CLI first in each round.
 * <pre>
 * spark/run-benchmark.sh [images] [rounds] [model]      (defaults: 2000 2 meso4-df)
 * </pre>
 */
public final class ScoringThroughput {
    private static final int PER_FOLDER = 100;

    private ScoringThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String model = args.length > 2 ? args[2] : "meso4-df";
        Path cliJar = Path.of(args.length > 3 ? args[3] : "examples/target/unmask.jar");
        Path work = Files.createTempDirectory("unmask-spark-bench-");
        Path images = work.resolve("images");
        int size;
        try (Detector detector = Detector.pretrained(model)) {
            size = detector.inputSpec().height();
        }
        SynthFaces faces = new SynthFaces(11, size, 0.5);
        for (int i = 0; i < count; i++) {
            Path folder = Files.createDirectories(images.resolve(String.format("video-%03d", i / PER_FOLDER)));
            ImageIO.write(ImageOps.toBufferedImage(faces.sample(i).image()), "png",
                    folder.resolve(String.format("%04d.png", i)).toFile());
        }
        System.out.printf(Locale.ROOT, "%d SynthFaces PNGs of %dx%d in %s; model %s; %d cores; load %.2f%n", count,
                size, size, images, model, Runtime.getRuntime().availableProcessors(), load());

        long started = System.nanoTime();
        SparkSession spark = SparkSession.builder().master("local[2]").appName("unmask-throughput")
                .config("spark.ui.enabled", "false").getOrCreate();
        System.out.printf(Locale.ROOT, "Spark session start-up (excluded): %.2f s%n", seconds(started));
        started = System.nanoTime();
        ScoreJob.csv(spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(images.toString())
                .select("path", "length").write()).csv(work.resolve("warm-up").toString());
        System.out.printf(Locale.ROOT, "Spark engine warm-up, the same files listed by binaryFile and their paths "
                + "written as CSV, without Unmask (excluded): %.2f s%n", seconds(started));
        System.out.printf(Locale.ROOT, "the job's tasks: %d partitions%n",
                SparkScoring.score(spark, images.toString(), model, ScoringOptions.DEFAULTS).rdd().getNumPartitions());
        double startup = cli(cliJar, List.of("--version"), work);
        System.out.printf(Locale.ROOT, "CLI JVM start-up alone (unmask --version, included below): %.2f s%n", startup);
        try {
            for (int round = 1; round <= rounds; round++) {
                Path csv = work.resolve("cli-" + round + ".csv");
                double cliSeconds = cli(cliJar, List.of("detect", "-m", model, images.toString(), "-o", csv.toString()),
                        work);
                System.out.printf(Locale.ROOT, "round %d  unmask detect (1 JVM):   %7.2f s  %7.1f images/s  (load %.2f)%n",
                        round, cliSeconds, count / cliSeconds, load());
                Path out = work.resolve("spark-" + round);
                long t = System.nanoTime();
                ScoreJob.csv(SparkScoring.score(spark, images.toString(), model, ScoringOptions.DEFAULTS).write())
                        .csv(out.toString());
                double sparkSeconds = seconds(t);
                long rows = spark.read().option("header", "true").csv(out.toString()).count();
                if (rows != count) {
                    throw new IllegalStateException("the job wrote " + rows + " rows for " + count + " images");
                }
                System.out.printf(Locale.ROOT, "round %d  Spark job (local[2]):   %7.2f s  %7.1f images/s  (load %.2f, "
                        + "%d kernel thread(s) per task)  ratio Spark/CLI %.2fx%n", round, sparkSeconds, count / sparkSeconds,
                        load(), ParallelFor.THREADS, cliSeconds / sparkSeconds);
            }
        } finally {
            spark.stop();
        }
    }

    /** Wall seconds of {@code java -jar cliJar args} (its output to work/cli.log); fails when it exits non-zero. */
    private static double cli(Path cliJar, List<String> args, Path work) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-jar", cliJar.toString()));
        command.addAll(args);
        long t = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("cli.log").toFile())).start();
        int code = p.waitFor();
        double s = seconds(t);
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + code + "; see "
                    + work.resolve("cli.log"));
        }
        return s;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
