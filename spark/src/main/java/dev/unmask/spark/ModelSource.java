package dev.unmask.spark;

import dev.unmask.Detector;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model a job scores with, as executors find it: a pretrained model by name (in unmask-core's resources),
 * or a bundle file shipped with the job ({@code SparkContext.addFile}) and found by its file name
 * ({@link SparkFiles#get}). Each executor JVM loads a model once, on first use, and keeps it for the JVM's life:
 * the detector itself never travels with a task.
 *
 * @param name       the pretrained model's name, or the shipped bundle's file name
 * @param pretrained whether {@code name} is a pretrained model
 */
record ModelSource(String name, boolean pretrained) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One detector per JVM and model: by pretrained name, or by the bundle's local path on this JVM. */
    private static final Map<String, Detector> LOADED = new ConcurrentHashMap<>();
    /** The system property that sets the CPU kernels' thread count (unmask-core's ParallelFor). */
    static final String THREADS = "unmask.threads";

    /**
     * The model {@code nameOrFile} names: a pretrained model ({@link Detector#PRETRAINED}), or a bundle path or URI
     * that Spark can read (a local file, {@code hdfs://}, {@code s3a://}), added to the job's files. The bundle is
     * loaded here once first, so a bad bundle fails before any task starts, with its loader's one-line message.
     *
     * @throws IOException when the bundle cannot be read or is not a bundle of a known family
     */
    static ModelSource open(SparkSession spark, String nameOrFile) throws IOException {
        String key = nameOrFile.toLowerCase(Locale.ROOT);
        if (Detector.PRETRAINED.contains(key)) {
            return new ModelSource(key, true);
        }
        spark.sparkContext().addFile(nameOrFile);
        ModelSource source = new ModelSource(new org.apache.hadoop.fs.Path(nameOrFile).getName(), false);
        source.detector();
        return source;
    }

    /** What rows call the model: the pretrained name, or the bundle's file name (as {@code unmask detect}). */
    String label() {
        return name;
    }

    /**
     * Spark runs a task on each of an executor's cores at once, so a task's kernels get the task's cores
     * ({@code spark.task.cpus}, 1 by default) rather than the whole machine each: unless {@value #THREADS} is set,
     * it is set here, before the first model of this JVM loads (the kernels read it once). On the driver, and in
     * local mode, that is 1.
     */
    private static void threadsPerTask() {
        if (System.getProperty(THREADS) == null) {
            TaskContext task = TaskContext.get();
            System.setProperty(THREADS, Integer.toString(task == null ? 1 : task.cpus()));
        }
    }

    /** This JVM's detector of the model, loaded on first use. */
    Detector detector() throws IOException {
        String key = pretrained ? "pretrained:" + name : SparkFiles.get(name);
        Detector loaded = LOADED.get(key);
        if (loaded != null) {
            return loaded;
        }
        synchronized (LOADED) {
            loaded = LOADED.get(key);
            if (loaded == null) {
                // TwelveMonkeys' WebP and TIFF readers sit in the job jar, which the task thread's loader sees
                ImageIO.scanForPlugins();
                threadsPerTask();
                loaded = pretrained ? Detector.pretrained(name) : Detector.load(Path.of(key));
                LOADED.put(key, loaded);
            }
            return loaded;
        }
    }
}
