package dev.unmask.data.fmnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unmask.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real package, only when {@code scripts/fetch-fashion-mnist.sh} has put it in
 * {@link FashionMnist#defaultDirectory()}; skipped otherwise. Nothing is downloaded here.
 */
class FashionMnistRealDataTest {
    /**
     * Published Fashion-MNIST pixel means (levels / 255): 0.2860 over the 60,000 training images and
     * 0.2868 over the 10,000 test images, so 0.28611 over all 70,000.
     */
    private static final double PUBLISHED_MEAN = (60_000 * 0.2860 + 10_000 * 0.2868) / 70_000;
    /** The published means are rounded to 4 digits. */
    private static final double MEAN_TOLERANCE = 2e-4;

    private static final Path DIRECTORY = FashionMnist.defaultDirectory();
    private static FashionMnist data;

    @BeforeAll
    static void loadIfPresent() {
        if (Files.isDirectory(DIRECTORY.resolve("src").resolve("clothes"))) {
            data = FashionMnist.load(DIRECTORY);
        }
    }

    @BeforeEach
    void skipWithoutData() {
        Assumptions.assumeTrue(data != null,
                "Fashion-MNIST is not in " + DIRECTORY + "; run scripts/fetch-fashion-mnist.sh to enable this test");
    }

    @Test
    void everyClassHasSevenThousandImagesSplitSixThousandToOneThousand() {
        for (int label = 0; label < FashionMnist.CLASS_COUNT; label++) {
            assertEquals(7000, data.count(label), FashionMnist.CLASS_NAMES.get(label));
            assertEquals(6000, data.trainCount(label));
            assertEquals(1000, data.testCount(label));
        }
        int[] trainHistogram = histogram(data.train(Resolution.NATIVE_28), FashionMnist.CLASS_COUNT);
        int[] testHistogram = histogram(data.test(Resolution.NATIVE_28), FashionMnist.CLASS_COUNT);
        int[] sixThousands = new int[FashionMnist.CLASS_COUNT];
        int[] thousands = new int[FashionMnist.CLASS_COUNT];
        Arrays.fill(sixThousands, 6000);
        Arrays.fill(thousands, 1000);
        assertArrayEquals(sixThousands, trainHistogram);
        assertArrayEquals(thousands, testHistogram);
    }

    @Test
    void oneClassSplitForAnkleBoots() {
        OneClassSplit split = data.oneClass(9, Resolution.PADDED_32);
        assertArrayEquals(new int[] {6000, 0}, histogram(split.train(), 2));
        assertArrayEquals(new int[] {1000, 9000}, histogram(split.test(), 2));
        assertEquals(32, split.test().get(0).image().height());
    }

    @Test
    void meanLevelMatchesThePublishedStatistics() {
        long sum = 0;
        long values = 0;
        for (int label = 0; label < FashionMnist.CLASS_COUNT; label++) {
            for (int i = 0; i < data.count(label); i++) {
                for (int level : data.levels(label, i)) {
                    sum += level;
                }
                values += FashionMnist.PIXELS;
            }
        }
        assertEquals(PUBLISHED_MEAN, sum / 255.0 / values, MEAN_TOLERANCE);
    }

    @Test
    void officialFirstTrainingImageIsInTheAnkleBootFile() {
        // Rows 3 and 4 of Fashion-MNIST's training image 0 (label 9), from the official train-images file.
        int[] row3 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 13, 73, 0, 0, 1, 4, 0, 0, 0, 0, 1, 1, 0};
        int[] row4 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 36, 136, 127, 62, 54, 0, 0, 0, 1, 3, 4, 0, 0, 3};
        int[] levels = data.levels(9, 899);
        assertArrayEquals(row3, Arrays.copyOfRange(levels, 3 * 28, 4 * 28));
        assertArrayEquals(row4, Arrays.copyOfRange(levels, 4 * 28, 5 * 28));
    }

    private static int[] histogram(Dataset dataset, int labels) {
        int[] counts = new int[labels];
        for (int i = 0; i < dataset.size(); i++) {
            counts[dataset.get(i).label()]++;
        }
        return counts;
    }
}
