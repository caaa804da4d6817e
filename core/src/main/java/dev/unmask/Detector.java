package dev.unmask;

import dev.unmask.anomaly.Calibration;
import dev.unmask.anomaly.LatentAnomalyScorer;
import dev.unmask.anomaly.RestorationSettings;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.data.DecodeSize;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageFiles;
import dev.unmask.data.ImageOps;
import dev.unmask.io.ModelBundleException;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Finds manipulated faces with a calibrated latent-restoration model bundle: the application-facing entry
 * point.
 * <pre>{@code
 * try (Detector detector = Detector.load(Path.of("model.safetensors"))) {
 *     Detection d = detector.detect(Path.of("face.png"));
 *     if (d.fake()) { ... d.normalisedScore() ... }
 *     Detection withMap = detector.detect(image, DetectionOptions.DEFAULTS.withHeatMap(true));
 * }
 * }</pre>
 * Images are converted to the bundle's channels, resized (bilinear) to its S x S input and mapped to
 * [-1, 1]. A detector is safe to call from many threads at once and gives each image the same result
 * whatever else runs ({@code detect} of one image does not depend on other calls). {@link #close()} waits for
 * the calls in flight; later calls fail with {@link IllegalStateException}.
 */
public final class Detector implements AutoCloseable {
    /** Images per forward pass in {@link #detectAll}. */
    private static final int BATCH = 16;

    private final LatentRestorationModel model;
    private final Calibration calibration;
    private final Backend backend;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private Detector(LatentRestorationModel model) {
        this.model = model;
        this.calibration = model.calibration().orElseThrow(() -> new IllegalArgumentException(
                "the model is not calibrated; run calibration on held-out real images first"));
        this.backend = model.backend();
        model.vqvae().eval();
        model.priorModel().eval();
    }

    /** A detector over a calibrated bundle, on the default backend. */
    public static Detector load(Path bundle) throws IOException {
        return load(bundle, Backends.defaultBackend());
    }

    /** A detector over a calibrated bundle, on the backend of that name ({@link Backends#create}). */
    public static Detector load(Path bundle, String backendName) throws IOException {
        return load(bundle, Backends.create(backendName));
    }

    /**
     * A detector over a calibrated bundle, on {@code backend}.
     *
     * @throws ModelBundleException when the file is not a calibrated latent-restoration bundle
     */
    public static Detector load(Path bundle, Backend backend) throws IOException {
        LatentRestorationModel model = LatentRestorationModel.load(bundle, backend);
        if (model.calibration().isEmpty()) {
            throw new ModelBundleException(bundle + ": the model is not calibrated (no 'calibration' entry); "
                    + "calibrate it on held-out real images first");
        }
        return new Detector(model);
    }

    /** A detector over a calibrated model in memory (its modules are switched to evaluation mode). */
    public static Detector of(LatentRestorationModel model) {
        return new Detector(model);
    }

    /** Side S of the square model input. */
    public int imageSize() {
        return model.imageSize();
    }

    /** Channels of the model input. */
    public int channels() {
        return model.channels();
    }

    public Calibration calibration() {
        return calibration;
    }

    public Detection detect(BufferedImage image) {
        return detect(image, DetectionOptions.DEFAULTS);
    }

    public Detection detect(BufferedImage image, DetectionOptions options) {
        return detectAll(List.of(prepare(image)), options).get(0);
    }

    /**
     * @throws dev.unmask.data.ImageFileException naming the file when it is not a regular file, not an
     *     image, too large (checked before decoding) or corrupt
     */
    public Detection detect(Path file) {
        return detect(file, DetectionOptions.DEFAULTS);
    }

    public Detection detect(Path file, DetectionOptions options) {
        return detectAll(List.of(read(file)), options).get(0);
    }

    /**
     * @throws dev.unmask.data.ImageFileException when the bytes are not a decodable image of acceptable size,
     *     the same exception {@link #detect(Path)} throws for a file holding them
     */
    public Detection detect(byte[] encoded) {
        return detect(encoded, DetectionOptions.DEFAULTS);
    }

    public Detection detect(byte[] encoded, DetectionOptions options) {
        FloatImage image = ImageFiles.decode(encoded, "image bytes", model.channels(), modelInputDecode());
        return detectAll(List.of(resize(image)), options).get(0);
    }

    /**
     * Decodes, converts and resizes an image file to the model input; a large image is subsampled while it
     * is decoded ({@link DecodeSize#forResize}), so its size costs no memory.
     */
    public FloatImage read(Path file) {
        return resize(ImageFiles.read(file, model.channels(), modelInputDecode()));
    }

    /** Converts and resizes a picture to the model input, subsampled as {@link #read} decodes a file. */
    public FloatImage prepare(BufferedImage image) {
        if (image == null) {
            throw new IllegalArgumentException("image is null");
        }
        return resize(ImageOps.fromBufferedImage(image, model.channels(), modelInputDecode()));
    }

    private DecodeSize modelInputDecode() {
        return DecodeSize.forResize(model.imageSize(), model.imageSize());
    }

    private FloatImage resize(FloatImage image) {
        int s = model.imageSize();
        return image.height() == s && image.width() == s ? image : ImageOps.resizeBilinear(image, s, s);
    }

    /**
     * Scores model inputs (each exactly channels x S x S with finite values in the model's pixel space,
     * e.g. from {@link #prepare} or {@link #read}), {@value #BATCH} per forward pass, in order.
     *
     * @throws IllegalArgumentException naming the first image of the wrong size or with a non-finite value
     * @throws IllegalStateException after {@link #close()}
     */
    public List<Detection> detectAll(List<FloatImage> images, DetectionOptions options) {
        if (images == null || options == null) {
            throw new IllegalArgumentException("images and options must not be null");
        }
        for (int i = 0; i < images.size(); i++) {
            check(images.get(i), i);
        }
        ReentrantReadWriteLock.ReadLock lock = lifecycle.readLock();
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("this detector is closed");
            }
            LatentAnomalyScorer scorer = new LatentAnomalyScorer(model.encoder(), model.prior(), model.decoder(),
                    RestorationSettings.DEFAULTS.withSeed(options.seed()));
            double lambdaS = options.lambdaS() != null ? options.lambdaS() : calibration.lambdaS();
            double lambdaP = options.lambdaP() != null ? options.lambdaP() : calibration.lambdaP();
            List<Detection> out = new ArrayList<>(images.size());
            for (int from = 0; from < images.size(); from += BATCH) {
                List<FloatImage> part = images.subList(from, Math.min(images.size(), from + BATCH));
                Tensor batch = stack(part);
                double[] scores = scorer.sampleScores(batch, lambdaS);
                float[] maps = options.heatMap() ? scorer.pixelScores(batch, lambdaP).toFloatArray() : null;
                int s = model.imageSize();
                for (int k = 0; k < part.size(); k++) {
                    FloatImage map = null;
                    if (maps != null) {
                        float[] plane = new float[s * s];
                        System.arraycopy(maps, k * s * s, plane, 0, s * s);
                        map = new FloatImage(1, s, s, plane);
                    }
                    out.add(new Detection(scores[k], calibration.normalise(scores[k]),
                            calibration.normalise(scores[k]) >= 0.5, map));
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** {@link #detectAll(List, DetectionOptions)} of pictures, each converted and resized first. */
    public List<Detection> detectAllImages(List<BufferedImage> images, DetectionOptions options) {
        return detectAll(images.stream().map(this::prepare).toList(), options);
    }

    private void check(FloatImage image, int index) {
        int s = model.imageSize();
        if (image == null) {
            throw new IllegalArgumentException("image " + index + " is null");
        }
        if (image.channels() != model.channels() || image.height() != s || image.width() != s) {
            throw new IllegalArgumentException("image " + index + " is " + image.channels() + "x" + image.height() + "x"
                    + image.width() + "; the model takes " + model.channels() + "x" + s + "x" + s
                    + " (use prepare() or read() to convert and resize)");
        }
        float[] d = image.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw new IllegalArgumentException("image " + index + " has the non-finite value " + d[i]
                        + " at element " + i);
            }
        }
    }

    private Tensor stack(List<FloatImage> images) {
        int per = images.get(0).data().length;
        float[] data = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i).data(), 0, data, i * per, per);
        }
        int s = model.imageSize();
        return backend.fromFloats(data, Shape.of(images.size(), model.channels(), s, s));
    }

    /** Waits for the calls in flight, then refuses further calls. Closing twice is safe. */
    @Override
    public void close() {
        ReentrantReadWriteLock.WriteLock lock = lifecycle.writeLock();
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }
}
