package dev.unmask.benchmarks;

import dev.unmask.faces.CascadeFaceDetector;
import dev.unmask.faces.ExifOrientation;
import dev.unmask.faces.FaceBox;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Face detection per 640x480 frame, one op = one {@code detect} of the frame (grey conversion, pyramid, scan,
 * grouping) with OpenCV's default settings (scale factor 1.1, min neighbours 3), for the shipped Haar and LBP
 * frontal cascades; {@code benchmarks/peer/opencv_faces.py} times {@code cv2.CascadeClassifier.detectMultiScale}
 * on the same frame. The frame is {@code core/src/test/resources/faces/scene_coffee_640x480.jpg} (four MesoNet
 * faces on a photo), a path relative to the repository root where the benchmarks are run:
 * {@code java -jar benchmarks/target/benchmarks.jar FaceBenchmarks -f 1 -t 1 -p threads=1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FaceBenchmarks {
    @Param({"core/src/test/resources/faces/scene_coffee_640x480.jpg"})
    public String frame;

    /** Threads of the detector's scan ({@code CascadeFaceDetector.withThreads}). */
    @Param({"1"})
    public int threads;

    private BufferedImage image;
    private CascadeFaceDetector haar;
    private CascadeFaceDetector lbp;

    @Setup
    public void setup() {
        Path file = Path.of(frame);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file.toAbsolutePath() + " not found: run the benchmark from the"
                    + " repository root or pass -p frame=PATH");
        }
        image = ExifOrientation.readUpright(file);
        if (image.getWidth() != 640 || image.getHeight() != 480) {
            throw new IllegalStateException(file + " is " + image.getWidth() + "x" + image.getHeight()
                    + ", the workload is a 640x480 frame");
        }
        haar = CascadeFaceDetector.haarFrontalDefault().withThreads(threads);
        lbp = CascadeFaceDetector.lbpFrontal().withThreads(threads);
    }

    @Benchmark
    public List<FaceBox> facesHaar() {
        return haar.detect(image);
    }

    @Benchmark
    public List<FaceBox> facesLbp() {
        return lbp.detect(image);
    }
}
