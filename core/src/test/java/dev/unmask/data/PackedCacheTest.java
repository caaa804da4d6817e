package dev.unmask.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackedCacheTest {
    // binary16 keeps 11 significant bits: relative rounding error at most 2^-11
    private static final float FLOAT16_RELATIVE_ERROR = 1f / 2048f;

    @TempDir
    Path dir;

    @Test
    void uint8CacheRoundTripsEightBitImagesExactly() {
        Dataset faces = new SynthFaces(4, 32, 0.5).dataset(30);
        Path file = dir.resolve("faces.cache");
        PackedCache.write(file, faces, PackedCache.PixelFormat.UINT8, 2);
        assertEquals(64 + 30L * (3 * 32 * 32 + 32 * 32) + 4 * 30, file.toFile().length());
        assertFalse(Files.exists(dir.resolve("faces.cache.tmp")));
        PackedCache cache = PackedCache.open(file);
        assertEquals(30, cache.size());
        for (int i = 0; i < 30; i++) {
            Example original = faces.get(i);
            Example cached = cache.get(i);
            assertArrayEquals(original.image().data(), cached.image().data(), "image " + i);
            assertArrayEquals(original.mask().data(), cached.mask().data(), "mask " + i);
            assertEquals(original.label(), cached.label());
        }
        assertThrows(IndexOutOfBoundsException.class, () -> cache.get(30));
        // 7 records of 4096 bytes per mapping: 5 mappings, the last one partial
        PackedCache segmented = PackedCache.open(file, 7 * 4096 + 100);
        for (int i = 0; i < 30; i++) {
            assertArrayEquals(faces.get(i).image().data(), segmented.get(i).image().data(), "segmented image " + i);
            assertArrayEquals(faces.get(i).mask().data(), segmented.get(i).mask().data(), "segmented mask " + i);
        }
    }

    @Test
    void float16CacheKeepsValuesWithinHalfPrecision() {
        SplittableRandom random = new SplittableRandom(1);
        float[][] images = new float[5][2 * 3 * 4];
        for (float[] image : images) {
            for (int i = 0; i < image.length; i++) {
                image[i] = (float) (2 * random.nextDouble() - 1);
            }
        }
        Dataset source = new Dataset() {
            @Override
            public int size() {
                return 5;
            }

            @Override
            public Example get(int index) {
                return new Example(new FloatImage(2, 3, 4, images[index]), 10 + index, null);
            }
        };
        Path file = dir.resolve("half.cache");
        PackedCache.write(file, source, PackedCache.PixelFormat.FLOAT16, 0);
        PackedCache cache = PackedCache.open(file);
        assertEquals(PackedCache.PixelFormat.FLOAT16, cache.format());
        for (int k = 0; k < 5; k++) {
            Example e = cache.get(k);
            assertNull(e.mask());
            assertEquals(10 + k, e.label());
            for (int i = 0; i < images[k].length; i++) {
                float expected = images[k][i];
                assertEquals(expected, e.image().data()[i], Math.abs(expected) * FLOAT16_RELATIVE_ERROR + 1e-7f);
            }
        }
    }

    @Test
    void invalidFilesAreRefusedWithAReason() throws IOException {
        Path file = dir.resolve("c.cache");
        PackedCache.write(file, new SynthFaces(1, 16, 0.5).dataset(3), PackedCache.PixelFormat.UINT8, 1);
        byte[] good = Files.readAllBytes(file);

        Files.write(file, Arrays.copyOf(good, good.length - 1));
        assertMessage(file, "header implies");
        Files.write(file, Arrays.copyOf(good, 20));
        assertMessage(file, "shorter");
        byte[] badMagic = good.clone();
        badMagic[0] = 'X';
        Files.write(file, badMagic);
        assertMessage(file, "does not start with");
        Files.write(file, withInt(good, 8, 99));
        assertMessage(file, "version 99");
        Files.write(file, withInt(good, 12, 7));
        assertMessage(file, "pixel format code 7");
        Files.write(file, withInt(good, 20, -3));
        assertMessage(file, "invalid header");
        Files.write(file, withInt(good, 16, 4));
        assertMessage(file, "header implies");
        byte[] badMask = good.clone();
        badMask[64 + 3 * 16 * 16 + 5] = 7;
        Files.write(file, badMask);
        PackedCache cache = PackedCache.open(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache.get(0));
        assertTrue(e.getMessage().contains("mask byte 7"), e.getMessage());
    }

    private static void assertMessage(Path file, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PackedCache.open(file));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(file.toString()), e.getMessage());
    }

    private static byte[] withInt(byte[] bytes, int offset, int value) {
        byte[] out = bytes.clone();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return out;
    }
}
