package dev.unmask.spark;

import dev.unmask.data.ImageFiles;
import dev.unmask.faces.FaceCrop;

import java.io.Serializable;
import java.util.stream.Collectors;

/**
 * How {@link SparkScoring#score} reads and scores its input. {@link #DEFAULTS}: whole images (no face finding),
 * 16 images per forward pass, the image extensions {@link ImageFiles#EXTENSIONS} in any case, files up to
 * {@value #DEFAULT_MAX_FILE_BYTES} bytes, partitions as the file source splits the input.
 *
 * @param faces          find faces in each image and score each face's crop (one row per face, a
 *                       {@value dev.unmask.DetectionRow#NO_FACE} row for an image without one), as
 *                       {@code unmask detect --faces}
 * @param cropScale      with {@code faces}: the square crop's side over the face box's longer side
 * @param batch          images per forward pass inside a partition (whole images; face crops are scored per image)
 * @param pathGlobFilter the file-name glob of Spark's {@code binaryFile} source ({@code pathGlobFilter})
 * @param maxFileBytes   files longer than this are not read: they get a row with an error
 * @param partitions     partitions to score in (a shuffle of the file contents), or 0 to keep the file source's
 */
public record ScoringOptions(boolean faces, double cropScale, int batch, String pathGlobFilter, long maxFileBytes,
                             int partitions) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A file longer than this is refused unread: an encoded image this large is not a face picture. */
    public static final long DEFAULT_MAX_FILE_BYTES = 256L << 20;
    /** A file is read into one array: this is the most a JVM array holds. */
    private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    /** A glob matching the names of {@link ImageFiles#EXTENSIONS} in any case, e.g. {@code *.{[pP][nN][gG],...}}. */
    public static final String IMAGE_GLOB = ImageFiles.EXTENSIONS.stream().sorted()
            .map(ScoringOptions::anyCase).collect(Collectors.joining(",", "*.{", "}"));

    public static final ScoringOptions DEFAULTS = new ScoringOptions(false, FaceCrop.DEFAULT_SCALE, 16, IMAGE_GLOB,
            DEFAULT_MAX_FILE_BYTES, 0);

    public ScoringOptions {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (!(cropScale > 0) || Double.isInfinite(cropScale)) {
            throw new IllegalArgumentException("crop scale must be a positive number, got " + cropScale);
        }
        if (pathGlobFilter == null || pathGlobFilter.isEmpty()) {
            throw new IllegalArgumentException("the file-name glob must not be empty");
        }
        if (maxFileBytes < 1 || maxFileBytes > MAX_ARRAY_BYTES) {
            throw new IllegalArgumentException("the largest file must be 1 to " + MAX_ARRAY_BYTES + " bytes, got "
                    + maxFileBytes);
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("partitions must be 0 (as the source splits) or more, got " + partitions);
        }
    }

    public ScoringOptions withFaces(boolean value) {
        return new ScoringOptions(value, cropScale, batch, pathGlobFilter, maxFileBytes, partitions);
    }

    public ScoringOptions withCropScale(double value) {
        return new ScoringOptions(faces, value, batch, pathGlobFilter, maxFileBytes, partitions);
    }

    public ScoringOptions withBatch(int value) {
        return new ScoringOptions(faces, cropScale, value, pathGlobFilter, maxFileBytes, partitions);
    }

    public ScoringOptions withPathGlobFilter(String value) {
        return new ScoringOptions(faces, cropScale, batch, value, maxFileBytes, partitions);
    }

    public ScoringOptions withMaxFileBytes(long value) {
        return new ScoringOptions(faces, cropScale, batch, pathGlobFilter, value, partitions);
    }

    public ScoringOptions withPartitions(int value) {
        return new ScoringOptions(faces, cropScale, batch, pathGlobFilter, maxFileBytes, value);
    }

    private static String anyCase(String extension) {
        StringBuilder glob = new StringBuilder();
        for (char c : extension.toCharArray()) {
            glob.append('[').append(Character.toLowerCase(c)).append(Character.toUpperCase(c)).append(']');
        }
        return glob.toString();
    }
}
