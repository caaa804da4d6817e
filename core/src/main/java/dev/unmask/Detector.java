package dev.unmask;

import dev.unmask.backend.Backend;
import dev.unmask.backend.BackendScope;
import dev.unmask.backend.Backends;
import dev.unmask.data.DecodeSize;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageFiles;
import dev.unmask.data.ImageOps;
import dev.unmask.detectors.DetectorFamily;
import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.detectors.Scored;
import dev.unmask.detectors.ScoringModel;
import dev.unmask.faces.ExifOrientation;
import dev.unmask.faces.FaceBox;
import dev.unmask.faces.FaceCrop;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.ModelBundleException;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Finds manipulated faces with a model bundle of any detector family: the application-facing entry point.
 * <pre>{@code
 * try (Detector detector = Detector.pretrained("meso4-df")) {          // or Detector.load(Path.of("model.safetensors"))
 *     Detection d = detector.detect(Path.of("face.jpg"));
 *     if (d.fake()) { ... d.normalisedScore() ... }
 * }
 * }</pre>
 * The bundle's {@code model_type} picks the family ({@link DetectorFamilies}); the family says how an image
 * becomes its input ({@link #inputSpec()}) and what its raw score means; the bundle's {@link ScoreDecision}
 * turns every family's score into a normalised score with the verdict at 0.5.
 *
 * <p>A detector is safe to call from many threads at once and gives each image the same result whatever else
 * runs. Each call runs in a backend scope ({@link Backend#openScope()}), so device memory it allocates is freed
 * when it returns. {@link #close()} waits for the calls in flight, refuses later ones with
 * {@link IllegalStateException}, and closes the backend when this detector created it.
 */
public final class Detector implements AutoCloseable {
    /** Images per forward pass in {@link #detectAll}. */
    private static final int BATCH = 16;
    /** Where {@link #pretrained} finds its bundles on the class path. */
    static final String PRETRAINED_ROOT = "/dev/unmask/pretrained/";

    private final ScoringModel model;
    private final ScoreDecision decision;
    private final Backend backend;
    private final boolean ownsBackend;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private Detector(ScoringModel model, boolean ownsBackend, String source) throws ModelBundleException {
        this.model = model;
        this.decision = model.decision().orElseThrow(() -> new ModelBundleException(source
                + ": the model has no decision threshold (not calibrated); calibrate it on held-out real images first"));
        this.backend = model.backend();
        this.ownsBackend = ownsBackend;
    }

    /** A detector over a bundle, on the default backend ({@link Backends#defaultBackend()}). */
    public static Detector load(Path bundle) throws IOException {
        return load(bundle, Backends.defaultBackend());
    }

    /** A detector over a bundle, on a new backend of that name ({@link Backends#create}), closed with the detector. */
    public static Detector load(Path bundle, String backendName) throws IOException {
        Backend backend = Backends.create(backendName);
        try {
            return load(bundle, backend, true);
        } catch (IOException | RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /**
     * A detector over a bundle, on {@code backend} (which the caller keeps and closes).
     *
     * @throws ModelBundleException when the file is not a bundle, holds a model type no family knows, or its
     *     model has no decision threshold
     */
    public static Detector load(Path bundle, Backend backend) throws IOException {
        return load(bundle, backend, false);
    }

    /**
     * A detector over the bundle in {@code input} (read to its end, not closed), on {@code backend};
     * {@code source} names it in messages.
     */
    public static Detector load(InputStream input, String source, Backend backend) throws IOException {
        Path copy = Files.createTempFile("unmask-bundle-", ".safetensors");
        try {
            Files.copy(input, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return of(ModelBundle.read(copy), source, backend, false);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /** A detector over a bundle on the class path ({@link Class#getResourceAsStream} of this class), on {@code backend}. */
    public static Detector fromResource(String resource, Backend backend) throws IOException {
        try (InputStream input = Detector.class.getResourceAsStream(resource)) {
            if (input == null) {
                throw new ModelBundleException("no class-path resource " + resource);
            }
            return load(input, resource, backend);
        }
    }

    /**
     * A pretrained detector shipped with the library, by name: {@code meso4-df}, {@code meso4-f2f},
     * {@code mesoinception-df}, {@code mesoinception-f2f} ({@link #PRETRAINED}), on the default backend.
     *
     * @throws IllegalArgumentException when no pretrained model has that name (the message lists them)
     */
    public static Detector pretrained(String name) throws IOException {
        return pretrained(name, Backends.defaultBackend());
    }

    /** {@link #pretrained(String)} on {@code backend}. */
    public static Detector pretrained(String name, Backend backend) throws IOException {
        String key = name.toLowerCase(Locale.ROOT);
        if (!PRETRAINED.contains(key)) {
            throw new IllegalArgumentException("no pretrained model '" + name + "'; known: " + String.join(", ", PRETRAINED));
        }
        return fromResource(PRETRAINED_ROOT + key + ".safetensors", backend);
    }

    /** The names {@link #pretrained} takes. */
    public static final List<String> PRETRAINED = List.of("meso4-df", "meso4-f2f", "mesoinception-df", "mesoinception-f2f");

    private static Detector load(Path file, Backend backend, boolean ownsBackend) throws IOException {
        return of(ModelBundle.read(file), file.toString(), backend, ownsBackend);
    }

    private static Detector of(ModelBundle bundle, String source, Backend backend, boolean ownsBackend)
            throws IOException {
        DetectorFamily family = DetectorFamilies.find(bundle.modelType()).orElseThrow(() -> new ModelBundleException(
                source + ": no detector family for model type '" + bundle.modelType() + "'; known: "
                        + String.join(", ", DetectorFamilies.modelTypes())));
        return new Detector(family.load(bundle, source, backend), ownsBackend, source);
    }

    /** A detector over a loaded model that has a decision threshold. */
    public static Detector of(ScoringModel model) {
        try {
            return new Detector(model, false, model.modelType() + " model");
        } catch (ModelBundleException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The bundle's model type. */
    public String modelType() {
        return model.modelType();
    }

    /** What the model takes. */
    public InputSpec inputSpec() {
        return model.inputSpec();
    }

    /** The loaded model, for family-specific use (e.g. a {@link dev.unmask.detectors.latent.LatentScoringModel}). */
    public ScoringModel model() {
        return model;
    }

    /** The decision threshold and normalisation saved with the model. */
    public ScoreDecision decision() {
        return decision;
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
        return detectAll(List.of(model.preprocess(ImageFiles.decode(encoded, "image bytes", model.inputSpec().channels(),
                modelInputDecode()))), options).get(0);
    }

    /**
     * Decodes an image file and brings it to the model input ({@link ScoringModel#preprocess}); a large image is
     * subsampled while it is decoded ({@link DecodeSize#forResize}), so its size costs no memory.
     */
    public FloatImage read(Path file) {
        return model.preprocess(ImageFiles.read(file, model.inputSpec().channels(), modelInputDecode()));
    }

    /** Brings a picture to the model input ({@link ScoringModel#preprocess}), subsampled as {@link #read} decodes. */
    public FloatImage prepare(BufferedImage image) {
        if (image == null) {
            throw new IllegalArgumentException("image is null");
        }
        return model.preprocess(ImageOps.fromBufferedImage(image, model.inputSpec().channels(), modelInputDecode()));
    }

    private DecodeSize modelInputDecode() {
        return DecodeSize.forResize(model.inputSpec().height(), model.inputSpec().width());
    }

    /** Brings a decoded image in [-1, 1] with the model's channel count to the model input. */
    public FloatImage prepare(FloatImage image) {
        return model.preprocess(image);
    }

    /**
     * Scores model inputs (each exactly {@link #inputSpec()} with finite values, e.g. from {@link #prepare} or
     * {@link #read}), {@value #BATCH} per forward pass, in order.
     *
     * @throws IllegalArgumentException naming the first image of the wrong size or with a non-finite value
     * @throws IllegalStateException after {@link #close()}, or when the model produces a non-finite score
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
        try (BackendScope scope = backend.openScope()) {
            if (closed) {
                throw new IllegalStateException("this detector is closed");
            }
            List<Detection> out = new ArrayList<>(images.size());
            for (int from = 0; from < images.size(); from += BATCH) {
                List<FloatImage> part = images.subList(from, Math.min(images.size(), from + BATCH));
                for (Scored s : model.score(part, options.request())) {
                    double normalised = decision.normalise(model.polarity().suspicion(s.rawScore()));
                    out.add(new Detection(model.modelType(), s.rawScore(), normalised, normalised >= 0.5, s.heatMap(),
                            null, -1, s.outputs()));
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Finds the faces in a whole picture and scores each: a square of {@code cropScale x max(w, h)} around each
     * box's centre, reflect-padded where it leaves the picture, brought to the model input by the family's own
     * resize. One detection per face, with its box, in the face detector's order; an empty list when no face is
     * found (never a score of the background).
     */
    public List<Detection> detectFaces(BufferedImage picture, FaceFinding finding, DetectionOptions options) {
        if (picture == null || finding == null) {
            throw new IllegalArgumentException("picture and face finding must not be null");
        }
        List<FaceBox> boxes = finding.faces().detect(picture);
        if (boxes.isEmpty()) {
            return List.of();
        }
        FloatImage whole = ImageOps.fromBufferedImage(picture, model.inputSpec().channels());
        List<FloatImage> crops = new ArrayList<>(boxes.size());
        for (FaceBox box : boxes) {
            crops.add(model.preprocess(FaceCrop.square(whole, box, finding.cropScale())));
        }
        List<Detection> scored = detectAll(crops, options);
        List<Detection> out = new ArrayList<>(boxes.size());
        for (int i = 0; i < boxes.size(); i++) {
            out.add(scored.get(i).at(boxes.get(i), -1));
        }
        return out;
    }

    /** {@link #detectFaces(BufferedImage, FaceFinding, DetectionOptions)} with the default face finding and options. */
    public List<Detection> detectFaces(BufferedImage picture) {
        return detectFaces(picture, FaceFinding.defaults(), DetectionOptions.DEFAULTS);
    }

    /**
     * {@link #detectFaces(BufferedImage, FaceFinding, DetectionOptions)} of an image file, turned upright by its EXIF
     * orientation first.
     *
     * @throws dev.unmask.data.ImageFileException naming the file when it cannot be decoded
     */
    public List<Detection> detectFaces(Path file, FaceFinding finding, DetectionOptions options) {
        return detectFaces(ExifOrientation.readUpright(file), finding, options);
    }

    /**
     * Finds and scores the faces of a video's sampled frames and brings them together ({@link VideoScoring}): every
     * frame's faces with their boxes and tracks, and the video's verdict (the mean of the frames' most suspicious
     * face scores, and the share of frames judged fake).
     *
     * @throws dev.unmask.video.VideoFormatException naming the file when it cannot be decoded
     *     ({@link dev.unmask.video.Mp4FrameSource#open})
     */
    public VideoDetection detectVideo(Path video, VideoOptions options) throws IOException {
        return new VideoScoring(this, options).score(video);
    }

    /** {@link #detectAll(List, DetectionOptions)} of pictures, each brought to the model input first. */
    public List<Detection> detectAllImages(List<BufferedImage> images, DetectionOptions options) {
        return detectAll(images.stream().map(this::prepare).toList(), options);
    }

    private void check(FloatImage image, int index) {
        InputSpec spec = model.inputSpec();
        if (image == null) {
            throw new IllegalArgumentException("image " + index + " is null");
        }
        if (image.channels() != spec.channels() || image.height() != spec.height() || image.width() != spec.width()) {
            throw new IllegalArgumentException("image " + index + " is " + image.channels() + "x" + image.height() + "x"
                    + image.width() + "; the model takes " + spec.channels() + "x" + spec.height() + "x" + spec.width()
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

    /**
     * Waits for the calls in flight, then refuses further calls; closes the backend when this detector created
     * it. Closing twice is safe.
     */
    @Override
    public void close() {
        ReentrantReadWriteLock.WriteLock lock = lifecycle.writeLock();
        lock.lock();
        try {
            if (!closed && ownsBackend) {
                backend.close();
            }
            closed = true;
        } finally {
            lock.unlock();
        }
    }
}
