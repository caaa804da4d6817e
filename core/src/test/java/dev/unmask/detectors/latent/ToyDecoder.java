package dev.unmask.detectors.latent;

import dev.unmask.backend.Backend;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.Random;

/** A decoder for tests: each code becomes a fixed random colour patch of {@code patch x patch} pixels. */
final class ToyDecoder implements CodeDecoder {
    private final int channels;
    private final int patch;
    private final float[][] colours;

    ToyDecoder(int classes, int channels, int patch, long seed) {
        Random random = new Random(seed);
        this.channels = channels;
        this.patch = patch;
        this.colours = new float[classes][channels];
        for (float[] colour : colours) {
            for (int c = 0; c < channels; c++) {
                colour[c] = random.nextFloat() * 2 - 1;
            }
        }
    }

    @Override
    public Tensor decode(Tensor codes) {
        int grids = codes.dim(0);
        int h = codes.dim(1);
        int w = codes.dim(2);
        int height = h * patch;
        int width = w * patch;
        int[] all = codes.toIntArray();
        float[] images = new float[grids * channels * height * width];
        for (int g = 0; g < grids; g++) {
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int code = all[(g * h + y / patch) * w + x / patch];
                        images[((g * channels + c) * height + y) * width + x] = colours[code][c];
                    }
                }
            }
        }
        return Backend.of(codes).fromFloats(images, Shape.of(grids, channels, height, width));
    }
}
