package dev.unmask.detectors.latent;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.metrics.Percentile;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LatentAnomalyScorerTest {
    private static final int CLASSES = 8;
    private static final int SIDE = 6;
    private static final int POSITIONS = SIDE * SIDE;
    private static final int PATCH = 2;
    private static final Backend BACKEND = Backends.defaultBackend();

    private final ToyPrior prior = new ToyPrior(CLASSES, POSITIONS, 1.5, 31);
    private final ToyDecoder decoder = new ToyDecoder(CLASSES, 3, PATCH, 32);
    private final LatentAnomalyScorer scorer = new LatentAnomalyScorer(this::encode, prior, decoder,
            RestorationSettings.DEFAULTS.withCopies(4));

    /** The exact inverse of the toy decoder: the code whose colour is nearest to each patch's top-left pixel. */
    private Tensor encode(Tensor images) {
        float[] palette = decoder.decode(BACKEND.fromInts(IntStream.range(0, CLASSES).toArray(),
                Shape.of(1, 1, CLASSES))).toFloatArray();
        int paletteWidth = CLASSES * PATCH;
        int paletteArea = PATCH * paletteWidth;
        int grids = images.dim(0);
        int channels = images.dim(1);
        int height = images.dim(2);
        int width = images.dim(3);
        float[] pixels = images.toFloatArray();
        int[] codes = new int[grids * (height / PATCH) * (width / PATCH)];
        for (int g = 0; g < grids; g++) {
            for (int y = 0; y < height / PATCH; y++) {
                for (int x = 0; x < width / PATCH; x++) {
                    int best = 0;
                    double bestDistance = Double.POSITIVE_INFINITY;
                    for (int k = 0; k < CLASSES; k++) {
                        double distance = 0;
                        for (int c = 0; c < channels; c++) {
                            double d = pixels[((g * channels + c) * height + y * PATCH) * width + x * PATCH] - palette[c * paletteArea + k * PATCH];
                            distance += d * d;
                        }
                        if (distance < bestDistance) {
                            bestDistance = distance;
                            best = k;
                        }
                    }
                    codes[(g * (height / PATCH) + y) * (width / PATCH) + x] = best;
                }
            }
        }
        return Backend.of(images).fromInts(codes, Shape.of(grids, height / PATCH, width / PATCH));
    }

    private Tensor images(int[] grids, int count) {
        return decoder.decode(BACKEND.fromInts(grids, Shape.of(count, SIDE, SIDE)));
    }

    @Test
    void scoresGoThroughTheEncoder() {
        int[] grids = new int[2 * POSITIONS];
        System.arraycopy(ToyData.corrupted(prior, SIDE, SIDE, 3, 1), 0, grids, 0, POSITIONS);
        System.arraycopy(ToyData.samples(prior, POSITIONS, 1, 2), 0, grids, POSITIONS, POSITIONS);
        Tensor codes = BACKEND.fromInts(grids, Shape.of(2, SIDE, SIDE));
        Tensor images = images(grids, 2);
        assertArrayEquals(grids, scorer.encode(images).toIntArray(), "the toy encoder inverts the toy decoder");
        assertArrayEquals(SampleScore.of(prior, codes, 1.0), scorer.sampleScores(images, 1.0));
        RestorationScorer restorer = new RestorationScorer(prior, decoder, RestorationSettings.DEFAULTS.withCopies(4));
        assertArrayEquals(restorer.pixelScores(images, codes, 1.5).toFloatArray(), scorer.pixelScores(images, 1.5).toFloatArray());
    }

    @Test
    void calibrationTakesPercentilesOfRealNllAndScores() {
        int[] first = ToyData.samples(prior, POSITIONS, 3, 10);
        int[] second = ToyData.samples(prior, POSITIONS, 2, 11);
        Calibration calibration = scorer.calibrate(List.of(images(first, 3), images(second, 2)), 98, 90, 95);

        double[] nll = new double[5 * POSITIONS];
        System.arraycopy(LatentNll.of(prior, BACKEND.fromInts(first, Shape.of(3, SIDE, SIDE))), 0, nll, 0, 3 * POSITIONS);
        System.arraycopy(LatentNll.of(prior, BACKEND.fromInts(second, Shape.of(2, SIDE, SIDE))), 0, nll, 3 * POSITIONS, 2 * POSITIONS);
        assertEquals(Percentile.of(nll, 98), calibration.lambdaS());
        assertEquals(Percentile.of(nll, 90), calibration.lambdaP());
        double[] scores = new double[5];
        for (int g = 0; g < 5; g++) {
            for (double value : Arrays.copyOfRange(nll, g * POSITIONS, (g + 1) * POSITIONS)) {
                scores[g] += value > calibration.lambdaS() ? value : 0;
            }
        }
        assertEquals(Percentile.of(scores, 95), calibration.threshold().value(), 1e-12);
        assertEquals(Arrays.stream(scores).min().orElseThrow(), calibration.normaliser().low(), 1e-12);
    }
}
