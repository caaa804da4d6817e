package dev.unmask.data.fmnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unmask.data.Dataset;
import dev.unmask.data.Example;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The loader on small fixture files written here in the package's format (see {@link FashionMnist}). */
class FashionMnistTest {
    /** float32 rounding of level / 127.5 - 1 against the double formula 2 * level / 255 - 1. */
    private static final double LEVEL_TOLERANCE = 1e-6;

    /** Images per class in the fixture: class 3 has 14 (split 12 / 2), class 5 has 3 (3 / 0), others 7 (6 / 1). */
    private static int fixtureCount(int label) {
        return label == 3 ? 14 : label == 5 ? 3 : 7;
    }

    /** A level that differs between classes, images and pixels, covering 0 and 255. */
    private static int fixtureLevel(int label, int index, int pixel) {
        return (label * 37 + index * 11 + pixel * 5) % 256;
    }

    private static List<int[]> fixtureImages(int label) {
        List<int[]> images = new ArrayList<>();
        for (int i = 0; i < fixtureCount(label); i++) {
            int[] image = new int[FashionMnist.PIXELS];
            for (int p = 0; p < image.length; p++) {
                image[p] = fixtureLevel(label, i, p);
            }
            images.add(image);
        }
        return images;
    }

    private static String json(List<int[]> images, boolean emptyEntries) {
        StringBuilder out = new StringBuilder("{\"data\":[");
        for (int i = 0; i < images.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            if (emptyEntries && i == 1) {
                out.append("[],");
            }
            out.append('[');
            int[] image = images.get(i);
            for (int p = 0; p < image.length; p++) {
                out.append(p == 0 ? "" : ",").append(image[p]);
            }
            out.append(']');
        }
        out.append(emptyEntries ? ",[]" : "").append("]}");
        return out.toString();
    }

    /** Writes the package layout; class 0 carries empty entries like the real 0.json. */
    private static Path writePackage(Path root) throws IOException {
        Path clothes = Files.createDirectories(root.resolve("src").resolve("clothes"));
        for (int label = 0; label < FashionMnist.CLASS_COUNT; label++) {
            Files.writeString(clothes.resolve(label + ".json"), json(fixtureImages(label), label == 0));
        }
        return root;
    }

    @Test
    void countsAndSplitSizesFollowTheFiles(@TempDir Path dir) throws IOException {
        FashionMnist data = FashionMnist.load(writePackage(dir));
        for (int label = 0; label < FashionMnist.CLASS_COUNT; label++) {
            assertEquals(fixtureCount(label), data.count(label), "class " + label);
        }
        assertEquals(12, data.trainCount(3));
        assertEquals(2, data.testCount(3));
        assertEquals(3, data.trainCount(5));
        assertEquals(0, data.testCount(5));
        assertEquals(6, data.trainCount(0));
        assertEquals(1, data.testCount(0));
        assertEquals(8 * 6 + 12 + 3, data.train(Resolution.NATIVE_28).size());
        assertEquals(8 * 1 + 2, data.test(Resolution.NATIVE_28).size());
    }

    @Test
    void levelsAreReadInFileOrderSkippingEmptyEntries(@TempDir Path dir) throws IOException {
        FashionMnist data = FashionMnist.load(writePackage(dir));
        for (int label = 0; label < FashionMnist.CLASS_COUNT; label++) {
            List<int[]> expected = fixtureImages(label);
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), data.levels(label, i), "class " + label + " image " + i);
            }
        }
    }

    @Test
    void nativeImagesAreGreyInMinusOneToOne(@TempDir Path dir) throws IOException {
        FashionMnist data = FashionMnist.load(writePackage(dir));
        Dataset train = data.train(Resolution.NATIVE_28);
        // Example 6 is the first training image of class 1 (class 0 has 6 training images).
        Example example = train.get(6);
        assertEquals(1, example.label());
        FloatImage image = example.image();
        assertEquals(1, image.channels());
        assertEquals(28, image.height());
        assertEquals(28, image.width());
        for (int p = 0; p < FashionMnist.PIXELS; p++) {
            double expected = 2.0 * fixtureLevel(1, 0, p) / 255.0 - 1.0;
            assertEquals(expected, image.data()[p], LEVEL_TOLERANCE, "pixel " + p);
        }
        assertEquals(null, example.mask());
    }

    @Test
    void paddedImagesCentreTheNativeOneOnBlack(@TempDir Path dir) throws IOException {
        FashionMnist data = FashionMnist.load(writePackage(dir));
        Dataset nativeTest = data.test(Resolution.NATIVE_28);
        Dataset paddedTest = data.test(Resolution.PADDED_32);
        assertEquals(nativeTest.size(), paddedTest.size());
        for (int index = 0; index < paddedTest.size(); index++) {
            FloatImage small = nativeTest.get(index).image();
            FloatImage padded = paddedTest.get(index).image();
            assertEquals(nativeTest.get(index).label(), paddedTest.get(index).label());
            assertEquals(32, padded.height());
            assertEquals(32, padded.width());
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    boolean inside = y >= 2 && y < 30 && x >= 2 && x < 30;
                    float expected = inside ? small.get(0, y - 2, x - 2) : -1f;
                    assertEquals(expected, padded.get(0, y, x), "example " + index + " at " + y + "," + x);
                }
            }
        }
    }

    @Test
    void trainAndTestPartitionEveryClassInFileOrder(@TempDir Path dir) throws IOException {
        FashionMnist data = FashionMnist.load(writePackage(dir));
        Dataset train = data.train(Resolution.NATIVE_28);
        Dataset test = data.test(Resolution.NATIVE_28);
        int trainIndex = 0;
        int testIndex = 0;
        for (int label = 0; label < FashionMnist.CLASS_COUNT; label++) {
            int n = fixtureCount(label);
            int testCount = n / 7;
            for (int i = 0; i < n; i++) {
                boolean inTest = i >= n - testCount;
                Example example = inTest ? test.get(testIndex++) : train.get(trainIndex++);
                assertEquals(label, example.label());
                assertLevels(label, i, example.image());
            }
        }
        assertEquals(train.size(), trainIndex);
        assertEquals(test.size(), testIndex);
    }

    @Test
    void oneClassTrainsOnTheNormalClassAndTestsOnAll(@TempDir Path dir) throws IOException {
        FashionMnist data = FashionMnist.load(writePackage(dir));
        int normal = 3;
        OneClassSplit split = data.oneClass(normal, Resolution.PADDED_32);
        assertEquals(normal, split.normalClass());
        assertEquals(12, split.train().size());
        for (int i = 0; i < 12; i++) {
            Example example = split.train().get(i);
            assertEquals(0, example.label());
            assertEquals(32, example.image().width());
            assertEquals(data.train(Resolution.PADDED_32).get(6 * 3 + i).image(), example.image(), "image " + i);
        }
        // Test: 1 image from each of 8 classes, 2 from class 3, none from class 5.
        assertEquals(10, split.test().size());
        Dataset allTest = data.test(Resolution.PADDED_32);
        int normals = 0;
        for (int i = 0; i < split.test().size(); i++) {
            Example example = split.test().get(i);
            Example original = allTest.get(i);
            assertEquals(original.image(), example.image());
            assertEquals(original.label() == normal ? 0 : 1, example.label(), "test example " + i);
            normals += example.label() == 0 ? 1 : 0;
        }
        assertEquals(2, normals);
        // Class 3's test images are its last two file images, at test positions 3 and 4.
        assertLevels(3, 12, split.test().get(3).image());
        assertLevels(3, 13, split.test().get(4).image());
    }

    @Test
    void rejectsBadArguments(@TempDir Path dir) throws IOException {
        FashionMnist data = FashionMnist.load(writePackage(dir));
        assertThrows(IllegalArgumentException.class, () -> data.oneClass(10, Resolution.NATIVE_28));
        assertThrows(IllegalArgumentException.class, () -> data.count(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> data.levels(5, 3));
        Dataset test = data.test(Resolution.NATIVE_28);
        assertThrows(IndexOutOfBoundsException.class, () -> test.get(test.size()));
        assertThrows(IndexOutOfBoundsException.class, () -> test.get(-1));
    }

    static Stream<Arguments> malformedClassFiles() {
        String good = "[" + "0,".repeat(783) + "255]";
        return Stream.of(
                Arguments.of("not JSON", "{\"data\":[" + good + ",", "malformed JSON"),
                Arguments.of("top level array", "[" + good + "]", "expected a top-level object"),
                Arguments.of("empty file", "", "expected a top-level object"),
                Arguments.of("other field", "{\"images\":[" + good + "]}", "unexpected field \"images\""),
                Arguments.of("extra field", "{\"data\":[" + good + "],\"x\":1}", "expected the object to end"),
                Arguments.of("data not array", "{\"data\":{}}", "\"data\" to be an array"),
                Arguments.of("image not array", "{\"data\":[" + good + ",7]}", "image 1 to be an array"),
                Arguments.of("too few values", "{\"data\":[[" + "1,".repeat(782) + "1]]}", "image 0 has 783 values"),
                Arguments.of("too many values", "{\"data\":[[" + "1,".repeat(784) + "1]]}", "more than 784 values"),
                Arguments.of("fraction", "{\"data\":[[0.5," + "0,".repeat(782) + "0]]}", "'0.5'"),
                Arguments.of("string", "{\"data\":[[\"1\"," + "0,".repeat(782) + "0]]}", "'1'"),
                Arguments.of("negative", "{\"data\":[[-1," + "0,".repeat(782) + "0]]}", "-1, outside 0..255"),
                Arguments.of("too large", "{\"data\":[[" + "0,".repeat(783) + "256]]}", "256, outside 0..255"),
                Arguments.of("huge", "{\"data\":[[" + "0,".repeat(783) + "99999999999999999999]]}", "outside 0..255"),
                Arguments.of("trailing", "{\"data\":[" + good + "]} {}", "trailing content"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedClassFiles")
    void malformedFileIsNamed(String caseName, String content, String expectedProblem, @TempDir Path dir)
            throws IOException {
        writePackage(dir);
        Path bad = dir.resolve("src/clothes/4.json");
        Files.writeString(bad, content);
        ImageFileException e = assertThrows(ImageFileException.class, () -> FashionMnist.load(dir));
        assertEquals(bad, e.file());
        assertTrue(e.getMessage().contains("4.json"), e.getMessage());
        assertTrue(e.getMessage().contains(expectedProblem), e.getMessage());
    }

    @Test
    void missingClassFileIsNamed(@TempDir Path dir) throws IOException {
        writePackage(dir);
        Path missing = dir.resolve("src/clothes/7.json");
        Files.delete(missing);
        ImageFileException e = assertThrows(ImageFileException.class, () -> FashionMnist.load(dir));
        assertEquals(missing, e.file());
        assertTrue(e.getMessage().contains("Sneaker"), e.getMessage());
    }

    @Test
    void unknownLabelFileIsNamed(@TempDir Path dir) throws IOException {
        writePackage(dir);
        Path unknown = dir.resolve("src/clothes/10.json");
        Files.writeString(unknown, "{\"data\":[]}");
        ImageFileException e = assertThrows(ImageFileException.class, () -> FashionMnist.load(dir));
        assertEquals(unknown, e.file());
        assertTrue(e.getMessage().contains("unknown class label '10'"), e.getMessage());
    }

    @Test
    void missingPackageSaysHowToFetchIt(@TempDir Path dir) {
        ImageFileException e = assertThrows(ImageFileException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().contains("fetch-fashion-mnist.sh"), e.getMessage());
    }

    /** Checks a native or padded image against the fixture levels of one file image (padding centred). */
    private static void assertLevels(int label, int index, FloatImage image) {
        int margin = (image.width() - FashionMnist.SIDE) / 2;
        for (int p = 0; p < FashionMnist.PIXELS; p++) {
            assertEquals(2.0 * fixtureLevel(label, index, p) / 255.0 - 1.0,
                    image.get(0, p / FashionMnist.SIDE + margin, p % FashionMnist.SIDE + margin), LEVEL_TOLERANCE,
                    "class " + label + " image " + index + " pixel " + p);
        }
    }
}
