package dev.unmask;

import dev.unmask.data.FloatImage;
import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.detectors.latent.TinyLatentModels;
import dev.unmask.data.ImageFileException;
import dev.unmask.data.ImageOps;
import dev.unmask.data.SynthFaces;
import dev.unmask.io.ModelBundleException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectorTest {
    private static final int THREADS = 16;
    private static final int CALLS_PER_THREAD = 200;
    // every this many calls a thread also asks for the heat-map, so restoration runs concurrently too
    private static final int HEAT_MAP_EVERY = 50;
    // float sums in another order (blocked, threaded kernels vs plain loops); a latent whose NLL sits within
    // rounding of lambdaS could still flip, which these few images do not hit
    private static final double BACKEND_TOLERANCE = 1e-4;

    @TempDir
    static Path dir;
    private static Path bundle;
    private static Detector detector;
    private static List<FloatImage> images;

    @BeforeAll
    static void setUp() throws IOException {
        bundle = dir.resolve("tiny.safetensors");
        TinyLatentModels.trained(11).save(bundle);
        detector = Detector.load(bundle);
        SynthFaces faces = new SynthFaces(11, TinyLatentModels.SIZE, 1.0);
        images = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            images.add(faces.face(200 + i));
            images.add(faces.sample(300 + i).image());
        }
    }

    @AfterAll
    static void tearDown() {
        detector.close();
    }

    private static Detection detectOne(Detector d, FloatImage image, DetectionOptions options) {
        return d.detectAll(List.of(image), options).get(0);
    }

    @Test
    void manyThreadsGetExactlyTheSequentialResults() throws Exception {
        DetectionOptions withMap = DetectionOptions.DEFAULTS.withHeatMap(true);
        List<Detection> plain = new ArrayList<>();
        List<Detection> mapped = new ArrayList<>();
        for (FloatImage image : images) {
            plain.add(detectOne(detector, image, DetectionOptions.DEFAULTS));
            mapped.add(detectOne(detector, image, withMap));
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    int mismatches = 0;
                    for (int call = 0; call < CALLS_PER_THREAD; call++) {
                        int which = (thread + call) % images.size();
                        boolean map = call % HEAT_MAP_EVERY == 0;
                        Detection got = detectOne(detector, images.get(which), map ? withMap : DetectionOptions.DEFAULTS);
                        if (!got.equals((map ? mapped : plain).get(which))) {
                            mismatches++;
                        }
                    }
                    return mismatches;
                }));
            }
            for (Future<Integer> f : futures) {
                assertEquals(0, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void verdictIsTheNormalisedScoreAtOneHalfAndTheHeatMapOnlyComesWhenAskedFor() {
        for (FloatImage image : images) {
            Detection d = detectOne(detector, image, DetectionOptions.DEFAULTS);
            assertNull(d.heatMap());
            assertEquals(detector.decision().normalise(d.rawScore()), d.normalisedScore());
            assertEquals(d.normalisedScore() >= 0.5, d.fake());
            assertEquals(detector.decision().isFake(d.rawScore()), d.fake());
            Detection m = detectOne(detector, image, DetectionOptions.DEFAULTS.withHeatMap(true));
            assertNotNull(m.heatMap());
            assertEquals(TinyLatentModels.SIZE, m.heatMap().height());
            assertEquals(d.rawScore(), m.rawScore());
        }
    }

    @Test
    void picturesBytesAndFilesAreResizedToTheModelInput() throws IOException {
        FloatImage big = new SynthFaces(4, 2 * TinyLatentModels.SIZE, 0).face(0);
        FloatImage expected = ImageOps.resizeBilinear(big, TinyLatentModels.SIZE, TinyLatentModels.SIZE);
        Detection direct = detectOne(detector, expected, DetectionOptions.DEFAULTS);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(ImageOps.toBufferedImage(big), "png", png);
        Path file = dir.resolve("big.png");
        Files.write(file, png.toByteArray());
        assertEquals(direct, detector.detect(ImageOps.toBufferedImage(big)));
        assertEquals(direct, detector.detect(png.toByteArray()));
        assertEquals(direct, detector.detect(file));
        assertArrayEquals(expected.data(), detector.read(file).data());
    }

    @Test
    void badInputFailsClearly() {
        byte[] garbage = new byte[64];
        Arrays.fill(garbage, (byte) 7);
        IllegalArgumentException notImage = assertThrows(IllegalArgumentException.class, () -> detector.detect(garbage));
        assertTrue(notImage.getMessage().contains("not a recognised image"), notImage.getMessage());
        assertThrows(IllegalArgumentException.class, () -> detector.detect(new byte[0]));

        FloatImage wrongSize = FloatImage.zeros(3, 8, 8);
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> detectOne(detector, wrongSize, DetectionOptions.DEFAULTS));
        assertTrue(size.getMessage().contains("3x8x8"), size.getMessage());

        FloatImage withNaN = images.get(0).copy();
        withNaN.data()[5] = Float.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> detectOne(detector, withNaN, DetectionOptions.DEFAULTS));
        assertTrue(nan.getMessage().contains("NaN") && nan.getMessage().contains("element 5"), nan.getMessage());

        ImageFileException missing = assertThrows(ImageFileException.class, () -> detector.detect(dir.resolve("none.png")));
        assertTrue(missing.getMessage().contains("none.png"), missing.getMessage());
    }

    @Test
    void truncatedPngIsRefused() throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(ImageOps.toBufferedImage(images.get(0)), "png", png);
        byte[] cut = Arrays.copyOf(png.toByteArray(), png.size() / 2);
        assertThrows(IllegalArgumentException.class, () -> detector.detect(cut));
    }

    @Test
    void closeLetsCallsInFlightFinishAndRefusesLaterOnes() throws Exception {
        Detector own = Detector.load(bundle);
        Detection expected = detectOne(own, images.get(1), DetectionOptions.DEFAULTS);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    int completed = 0;
                    while (true) {
                        try {
                            Detection d = detectOne(own, images.get(1), DetectionOptions.DEFAULTS);
                            if (!d.equals(expected)) {
                                return -1;
                            }
                            completed++;
                        } catch (IllegalStateException closed) {
                            return completed;
                        }
                    }
                }));
            }
            Thread.sleep(200);
            own.close();
            for (Future<Integer> f : futures) {
                assertTrue(f.get() >= 0, "a call returned a wrong result around close()");
            }
        } finally {
            pool.shutdownNow();
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> detectOne(own, images.get(0), DetectionOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        own.close();
    }

    @Test
    void theReferenceBackendGivesTheSameScoresUpToRounding() throws IOException {
        try (Detector reference = Detector.load(bundle, "cpu-reference")) {
            for (FloatImage image : images) {
                Detection fast = detectOne(detector, image, DetectionOptions.DEFAULTS);
                Detection slow = detectOne(reference, image, DetectionOptions.DEFAULTS);
                assertEquals(fast.rawScore(), slow.rawScore(), BACKEND_TOLERANCE * Math.max(1, Math.abs(fast.rawScore())));
            }
        }
    }

    @Test
    void anUncalibratedBundleIsRefused() throws IOException {
        Path raw = dir.resolve("raw.safetensors");
        LatentRestorationModel.create(TinyLatentModels.vqvaeConfig(), TinyLatentModels.priorConfig(), 1).save(raw);
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> Detector.load(raw));
        assertTrue(e.getMessage().contains("not calibrated"), e.getMessage());
    }
}
