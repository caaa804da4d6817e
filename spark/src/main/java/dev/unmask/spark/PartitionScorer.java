package dev.unmask.spark;

import dev.unmask.Detection;
import dev.unmask.DetectionOptions;
import dev.unmask.DetectionRow;
import dev.unmask.Detector;
import dev.unmask.FaceFinding;
import dev.unmask.data.DecodeSize;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageFileException;
import dev.unmask.data.ImageFiles;
import dev.unmask.detectors.InputSpec;
import dev.unmask.faces.ExifOrientation;
import dev.unmask.io.MessageText;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Scores one partition of {@code (path, length)} rows with the executor's detector ({@link ModelSource#detector}):
 * {@link ScoringOptions#batch} images per forward pass, each file read as its batch comes, rows out as they are
 * scored (the partition is never held whole). Each image is decoded by {@link ImageFiles#decode} at the size the model needs, as {@code unmask detect}
 * reads a file, so a row here equals that command's row for the same file. An image that cannot be used becomes a
 * {@link DetectionRow#failure} row; the task never fails for its input.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final ModelSource model;
    private final Broadcast<HadoopConfiguration> hadoop;
    private final ScoringOptions options;

    PartitionScorer(ModelSource model, Broadcast<HadoopConfiguration> hadoop, ScoringOptions options) {
        this.model = model;
        this.hadoop = hadoop;
        this.options = options;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) throws Exception {
        Detector detector = model.detector();
        return new Iterator<>() {
            private final ArrayDeque<DetectionRow> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && input.hasNext()) {
                    ready.addAll(options.faces() ? scoreFaces(detector, input.next()) : scoreBatch(detector, input));
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return SparkScoring.toRow(ready.poll());
            }
        };
    }

    /** The next {@link ScoringOptions#batch} inputs' rows, in input order. */
    private List<DetectionRow> scoreBatch(Detector detector, Iterator<Row> input) {
        InputSpec spec = detector.inputSpec();
        DecodeSize size = DecodeSize.forResize(spec.height(), spec.width());
        String label = model.label();
        DetectionRow[] rows = new DetectionRow[options.batch()];
        List<FloatImage> images = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        List<String> files = new ArrayList<>();
        int n = 0;
        while (n < options.batch() && input.hasNext()) {
            Row in = input.next();
            String file = in.getString(0);
            try {
                images.add(detector.prepare(ImageFiles.decode(content(in, file), file, spec.channels(), size)));
                slots.add(n);
                files.add(file);
            } catch (ImageFileException e) {
                rows[n] = DetectionRow.failure(file, label, e.getMessage());
            }
            n++;
        }
        List<DetectionRow> scored = score(detector, images, files);
        for (int k = 0; k < scored.size(); k++) {
            rows[slots.get(k)] = scored.get(k);
        }
        return Arrays.asList(rows).subList(0, n);
    }

    /**
     * The rows of decoded images, in order; when the batch fails (a model that produces a non-finite score for one
     * image), each image alone, so only the images that fail get a failure row.
     */
    private List<DetectionRow> score(Detector detector, List<FloatImage> images, List<String> files) {
        if (images.isEmpty()) {
            return List.of();
        }
        try {
            List<Detection> scored = detector.detectAll(images, DetectionOptions.DEFAULTS);
            List<DetectionRow> out = new ArrayList<>(scored.size());
            for (int k = 0; k < scored.size(); k++) {
                out.add(DetectionRow.of(files.get(k), scored.get(k)).withModel(model.label()));
            }
            return out;
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (images.size() == 1) {
                return List.of(DetectionRow.failure(files.get(0), model.label(), MessageText.refusal(files.get(0),
                        "cannot be scored (" + MessageText.excerpt(String.valueOf(e.getMessage())) + ")")));
            }
            List<DetectionRow> out = new ArrayList<>(images.size());
            for (int i = 0; i < images.size(); i++) {
                out.addAll(score(detector, List.of(images.get(i)), List.of(files.get(i))));
            }
            return out;
        }
    }

    /**
     * The rows of one picture with face finding, as {@code unmask detect --faces}: one per face found, with its box,
     * or a {@value DetectionRow#NO_FACE} row.
     */
    private List<DetectionRow> scoreFaces(Detector detector, Row in) {
        String file = in.getString(0);
        String label = model.label();
        try {
            FaceFinding finding = FaceFinding.defaults().withCropScale(options.cropScale());
            List<Detection> found = detector.detectFaces(ExifOrientation.readUpright(content(in, file), file), finding,
                    DetectionOptions.DEFAULTS);
            if (found.isEmpty()) {
                return List.of(DetectionRow.noFace(file, -1, label));
            }
            List<DetectionRow> out = new ArrayList<>(found.size());
            for (Detection d : found) {
                out.add(DetectionRow.of(file, d).withModel(label));
            }
            return out;
        } catch (ImageFileException e) {
            return List.of(DetectionRow.failure(file, label, e.getMessage()));
        }
    }

    /**
     * The file's bytes, read whole through its Hadoop file system.
     *
     * @throws ImageFileException naming the file when it is longer than {@link ScoringOptions#maxFileBytes} (then
     *     it is not opened) or cannot be read (gone since it was listed, no permission, an I/O error)
     */
    private byte[] content(Row in, String file) {
        long length = in.getLong(1);
        if (length > options.maxFileBytes()) {
            throw new ImageFileException(file, "a file of " + length + " bytes is larger than the "
                    + options.maxFileBytes() + " bytes read for one image; refused unread");
        }
        Path path = new Path(file);
        try (FSDataInputStream stream = path.getFileSystem(hadoop.value().value()).open(path)) {
            byte[] bytes = new byte[(int) length];
            stream.readFully(0, bytes);
            return bytes;
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot be read (" + MessageText.excerpt(e.toString()) + ")", e);
        }
    }
}
