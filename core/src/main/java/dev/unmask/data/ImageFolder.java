package dev.unmask.data;

import dev.unmask.io.MessageText;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * Images under a root folder as a {@link Dataset}. Files are listed recursively (extensions in
 * {@link ImageFiles#EXTENSIONS}) and ordered by their relative path (with '/' separators), so the order
 * does not depend on the file system. Each file is decoded on {@link #get} through
 * {@link ImageFiles#read}, which checks the declared size against a pixel limit before decoding; an image
 * of more than {@link ImageFiles#DEFAULT_MAX_DECODED_PIXELS} pixels is subsampled while it is decoded
 * ({@link DecodeSize#atMost}), its mask by the same step.
 *
 * <p>Labels come from one of: the nearest enclosing folder whose name is in a map (default {@code real}
 * and {@code normal} 0, {@code fake} and {@code anomalous} 1, case-insensitive); a CSV file (RFC 4180: a
 * path holding a comma, a quote or a line break is quoted, its quotes doubled) of {@code path,label}
 * records (an optional header record whose label is not a number is skipped; the CSV then defines which
 * files belong to the set, in its order); or any function of the relative path (e.g.
 * {@link RealAndFakeFaceName#label}).
 *
 * <p>Masks, when a mask root is given, are looked up at the same relative path under it with any image
 * extension (e.g. {@code fake/a/12.jpg} matches {@code masks/fake/a/12.png}), read as grey and made
 * binary (1 where the level is >= 128). An image without a mask file gets an all-zero mask if its label
 * is 0; for any other label a missing mask is an error.
 */
public final class ImageFolder implements Dataset {
    /** The folder-name labels used unless others are given. */
    public static final Map<String, Integer> DEFAULT_FOLDER_LABELS =
            Map.of("real", 0, "normal", 0, "fake", 1, "anomalous", 1);

    /** Images and masks alike: the step depends on the declared size only, so a mask matches its image. */
    private static final DecodeSize DECODE_SIZE = DecodeSize.atMost(ImageFiles.DEFAULT_MAX_DECODED_PIXELS);

    /** Largest CSV label file read, in bytes: millions of records, and bounded memory for a wrong file. */
    static final long MAX_CSV_BYTES = 64L << 20;

    private final Path root;
    private final List<Path> files;
    private final int[] labels;
    private final Path maskRoot;
    private final int channels;
    private final long maxPixels;

    private ImageFolder(Builder b, List<Path> files, int[] labels) {
        this.root = b.root;
        this.files = List.copyOf(files);
        this.labels = labels;
        this.maskRoot = b.maskRoot;
        this.channels = b.channels;
        this.maxPixels = b.maxPixels;
    }

    public static Builder builder(Path root) {
        return new Builder(root);
    }

    @Override
    public int size() {
        return files.size();
    }

    /** Path of example {@code index} relative to the root. */
    public Path relativePath(int index) {
        return files.get(index);
    }

    public int label(int index) {
        return labels[index];
    }

    /**
     * Decodes example {@code index}.
     *
     * @throws ImageFileException naming the file when the image or its mask cannot be used
     */
    @Override
    public Example get(int index) {
        Path relative = files.get(index);
        Path file = root.resolve(relative);
        FloatImage image = ImageFiles.read(file, channels, DECODE_SIZE, maxPixels);
        if (maskRoot == null) {
            return new Example(image, labels[index], null);
        }
        Path maskFile = findMask(relative);
        if (maskFile == null) {
            if (labels[index] != 0) {
                throw new ImageFileException(file, "no mask file for it under " + maskRoot
                        + " (any image extension at the same relative path)");
            }
            return new Example(image, labels[index], FloatImage.zeros(1, image.height(), image.width()));
        }
        FloatImage grey = ImageFiles.read(maskFile, 1, DECODE_SIZE, maxPixels);
        if (grey.height() != image.height() || grey.width() != image.width()) {
            throw new ImageFileException(maskFile, "mask is " + grey.width() + "x" + grey.height()
                    + " but its image " + file + " is " + image.width() + "x" + image.height());
        }
        float[] mask = new float[grey.planeSize()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = ImageOps.toByte(grey.data()[i]) >= 128 ? 1f : 0f;
        }
        return new Example(image, labels[index], new FloatImage(1, image.height(), image.width(), mask));
    }

    private Path findMask(Path relative) {
        String name = relative.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot);
        Path folder = relative.getParent() == null ? maskRoot : maskRoot.resolve(relative.getParent());
        Path same = folder.resolve(name);
        if (Files.isRegularFile(same)) {
            return same;
        }
        for (String ext : ImageFiles.EXTENSIONS.stream().sorted().toList()) {
            Path candidate = folder.resolve(stem + "." + ext);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Options of an {@link ImageFolder}; {@link #build} lists the files and assigns labels. */
    public static final class Builder {
        private final Path root;
        private Map<String, Integer> folderLabels = DEFAULT_FOLDER_LABELS;
        private Path csv;
        private ToIntFunction<Path> labeller;
        private Path maskRoot;
        private int channels = 3;
        private long maxPixels = ImageFiles.DEFAULT_MAX_PIXELS;

        private Builder(Path root) {
            this.root = root;
        }

        /** Labels from the nearest enclosing folder name found in {@code labels} (matched case-insensitively). */
        public Builder folderLabels(Map<String, Integer> labels) {
            Map<String, Integer> lower = new LinkedHashMap<>();
            labels.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
            this.folderLabels = lower;
            this.csv = null;
            this.labeller = null;
            return this;
        }

        /** Labels (and the list of files) from a CSV of {@code relative/path,label} lines. */
        public Builder csvLabels(Path csvFile) {
            this.csv = csvFile;
            this.labeller = null;
            return this;
        }

        /** Labels from a function of the path relative to the root. */
        public Builder labels(ToIntFunction<Path> function) {
            this.labeller = function;
            this.csv = null;
            return this;
        }

        /** Masks at the same relative paths under {@code folder}. */
        public Builder masks(Path folder) {
            this.maskRoot = folder;
            return this;
        }

        /** 3 (RGB, the default) or 1 (grey). */
        public Builder channels(int count) {
            if (count != 1 && count != 3) {
                throw new IllegalArgumentException("channels must be 1 or 3, got " + count);
            }
            this.channels = count;
            return this;
        }

        /** Images declaring more pixels than this are refused before decoding. */
        public Builder maxPixels(long limit) {
            if (limit <= 0) {
                throw new IllegalArgumentException("maxPixels must be positive, got " + limit);
            }
            this.maxPixels = limit;
            return this;
        }

        /**
         * Lists the files and assigns labels.
         *
         * @throws IllegalArgumentException when the root is not a folder, a file has no label, or a CSV
         *     line is malformed or names a missing file
         * @throws UncheckedIOException when listing fails
         */
        public ImageFolder build() {
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException(root + ": not a folder");
            }
            if (maskRoot != null && !Files.isDirectory(maskRoot)) {
                throw new IllegalArgumentException(maskRoot + ": mask folder is not a folder");
            }
            return csv != null ? fromCsv() : fromListing();
        }

        private ImageFolder fromListing() {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(root)) {
                files = walk.filter(Files::isRegularFile).filter(ImageFiles::isImage)
                        .map(root::relativize)
                        .sorted(Comparator.comparing(Builder::portable))
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException("listing " + root + " failed", e);
            }
            int[] labels = new int[files.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = labeller != null ? labeller.applyAsInt(files.get(i)) : folderLabel(files.get(i));
            }
            return new ImageFolder(this, files, labels);
        }

        private int folderLabel(Path relative) {
            for (Path folder = relative.getParent(); folder != null; folder = folder.getParent()) {
                Integer label = folderLabels.get(folder.getFileName().toString().toLowerCase(Locale.ROOT));
                if (label != null) {
                    return label;
                }
            }
            throw new IllegalArgumentException(root.resolve(relative) + ": no enclosing folder names a label; "
                    + "expected one of " + folderLabels.keySet());
        }

        private ImageFolder fromCsv() {
            String text;
            try {
                if (Files.size(csv) > MAX_CSV_BYTES) {
                    throw new IllegalArgumentException(MessageText.refusal(csv, "label file of " + Files.size(csv)
                            + " bytes, over the limit of " + MAX_CSV_BYTES));
                }
                text = Files.readString(csv, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("reading label file " + csv + " failed", e);
            }
            CSVFormat format = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).setIgnoreSurroundingSpaces(true)
                    .get();
            List<Path> files = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            try (CSVParser parser = format.parse(new StringReader(text))) {
                boolean first = true;
                for (CSVRecord record : parser) {
                    if (record.size() == 1 && record.get(0).isBlank()) {
                        continue;
                    }
                    boolean mayBeHeader = first;
                    first = false;
                    String where = "line " + line(text, record.getCharacterPosition());
                    if (record.size() != 2) {
                        throw csvError(where, "expected 2 fields 'path,label', got " + record.size()
                                + " fields (quote a path that holds a comma)");
                    }
                    String path = record.get(0);
                    String label = record.get(1);
                    int value;
                    try {
                        value = Integer.parseInt(label);
                    } catch (NumberFormatException e) {
                        if (mayBeHeader) {
                            continue;
                        }
                        throw csvError(where, "label " + MessageText.quote(label) + " is not an integer");
                    }
                    Path relative;
                    try {
                        relative = Path.of(path);
                    } catch (InvalidPathException e) {
                        throw csvError(where, MessageText.quote(path) + " is not a valid path");
                    }
                    if (relative.isAbsolute() || !Files.isRegularFile(root.resolve(relative))) {
                        throw csvError(where, MessageText.quote(path) + " is not a file under " + root);
                    }
                    files.add(relative);
                    labels.add(value);
                }
            } catch (IOException | UncheckedIOException e) {
                // commons-csv reports malformed quoting (a quote never closed) as an I/O failure
                throw new IllegalArgumentException(MessageText.refusal(csv, "malformed CSV: " + e.getMessage()), e);
            }
            return new ImageFolder(this, files, labels.stream().mapToInt(Integer::intValue).toArray());
        }

        private IllegalArgumentException csvError(String where, String problem) {
            return new IllegalArgumentException(MessageText.refusal(csv, where + ": " + problem));
        }

        /** The 1-based line of {@code text} holding character {@code position}. */
        private static long line(String text, long position) {
            long line = 1;
            for (int i = 0; i < position && i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                }
            }
            return line;
        }

        private static String portable(Path relative) {
            return relative.toString().replace('\\', '/');
        }
    }
}
