package dev.unmask.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Decoding at a requested size, checked against an independent oracle: the whole decode with every
 * {@code step}-th pixel of every {@code step}-th row picked by hand; and the refusals of what would not
 * fit the memory allowed or never ends.
 */
class ImageFilesTest {
    private static final String INPUTS = "/dev/unmask/data/ImageDecodingFuzzTestInputs/decode/";

    @TempDir
    Path dir;

    /** A 131 x 97 picture whose every pixel differs from its neighbours, so a wrong pick shows. */
    private static BufferedImage pattern(int type) {
        BufferedImage image = new BufferedImage(131, 97, type);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, ((x * 37 + y * 11) & 0xFF) << 16 | ((x * 5 + y * 53) & 0xFF) << 8 | ((x ^ y) & 0xFF));
            }
        }
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out), format);
        return out.toByteArray();
    }

    /** The oracle: pixel (x, y) of the result is pixel (x * step, y * step) of the whole image. */
    private static FloatImage pick(FloatImage whole, int step) {
        int w = (whole.width() + step - 1) / step;
        int h = (whole.height() + step - 1) / step;
        float[] out = new float[whole.channels() * w * h];
        for (int c = 0; c < whole.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[(c * h + y) * w + x] = whole.get(c, y * step, x * step);
                }
            }
        }
        return new FloatImage(whole.channels(), h, w, out);
    }

    @Test
    void aSubsampledDecodeKeepsEveryStepthPixelInEachLosslessFormat() throws IOException {
        for (String format : new String[] {"png", "bmp", "tiff"}) {
            byte[] bytes = encode(pattern(BufferedImage.TYPE_INT_RGB), format);
            Path file = dir.resolve("pattern." + format);
            Files.write(file, bytes);
            FloatImage whole = ImageFiles.read(file, 3, ImageFiles.DEFAULT_MAX_PIXELS);
            for (int step : new int[] {2, 3, 7}) {
                // at most (131 / step) x (97 / step) rounded up: the atMost rule must land on exactly this step
                long pixels = DecodeSize.subsampled(131, step) * DecodeSize.subsampled(97, step);
                FloatImage expected = pick(whole, step);
                assertArrayEquals(expected.data(), ImageFiles.read(file, 3, DecodeSize.atMost(pixels)).data(),
                        format + " step " + step);
                assertArrayEquals(expected.data(), ImageFiles.decode(bytes, "bytes", 3, DecodeSize.atMost(pixels)).data(),
                        format + " bytes, step " + step);
                assertArrayEquals(expected.data(), ImageOps.fromBufferedImage(ImageIO.read(file.toFile()), 3,
                        DecodeSize.atMost(pixels)).data(), format + " picture, step " + step);
            }
        }
    }

    @Test
    void forResizeDecodesWholeBelowFourTimesTheTargetAndKeepsTwiceTheTargetAbove() throws IOException {
        Path file = dir.resolve("pattern.png");
        Files.write(file, encode(pattern(BufferedImage.TYPE_INT_RGB), "png"));
        FloatImage whole = ImageFiles.read(file, 1, ImageFiles.DEFAULT_MAX_PIXELS);
        // 131 x 97 for a 32 x 32 target: 97 < 4 * 32, so whole
        assertArrayEquals(whole.data(), ImageFiles.read(file, 1, DecodeSize.forResize(32, 32)).data());
        // for 16 x 16: steps 3 (97 / 32) and 4 (131 / 32), the smaller keeps both sides >= 32
        FloatImage resized = ImageFiles.read(file, 1, DecodeSize.forResize(16, 16));
        assertArrayEquals(pick(whole, 3).data(), resized.data());
        assertTrue(resized.height() >= 32 && resized.width() >= 32);
    }

    @Test
    void aPaletteImageDecodesToItsColoursNotItsIndices() throws IOException {
        Path file = dir.resolve("palette.png");
        try (InputStream in = ImageFilesTest.class.getResourceAsStream(INPUTS + "seeds/palette.png")) {
            Files.write(file, in.readAllBytes());
        }
        BufferedImage picture = ImageIO.read(file.toFile());
        FloatImage decoded = ImageFiles.read(file, 3, DecodeSize.whole());
        for (int y = 0; y < picture.getHeight(); y++) {
            for (int x = 0; x < picture.getWidth(); x++) {
                int rgb = picture.getRGB(x, y);
                assertEquals(ImageOps.fromByte((rgb >> 16) & 0xFF), decoded.get(0, y, x));
                assertEquals(ImageOps.fromByte((rgb >> 8) & 0xFF), decoded.get(1, y, x));
                assertEquals(ImageOps.fromByte(rgb & 0xFF), decoded.get(2, y, x));
            }
        }
    }

    @Test
    void theMemoryCheckFollowsTheDecodedSizeAndTheDecoderLayout() throws IOException {
        // 8-bit RGB decoded whole as 3 channels: 3 raster + 12 float bytes per pixel, 128 MiB / 15 = 8.9 M pixels
        Path fits = dir.resolve("fits.png");
        TestPngs.writeSolid(fits, 2900, 3000, 0x102030);
        assertEquals(2900, ImageFiles.read(fits, 3, DecodeSize.whole()).width());
        Path over = dir.resolve("over.png");
        TestPngs.writeSolid(over, 3100, 3000, 0x102030);
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFiles.read(over, 3, DecodeSize.whole()));
        assertTrue(e.getMessage().contains("a 3100x3000 image decoded whole needs 133 MB, over the 128 MB"), e.getMessage());
        assertEquals(1550, ImageFiles.read(over, 3, DecodeSize.atMost(ImageFiles.DEFAULT_MAX_DECODED_PIXELS)).width());
        // a picture in memory: 12 float bytes per pixel of RGB
        BufferedImage picture = new BufferedImage(4000, 3000, BufferedImage.TYPE_BYTE_GRAY);
        ImageFileException floats = assertThrows(ImageFileException.class, () -> ImageOps.fromBufferedImage(picture, 3));
        assertTrue(floats.getMessage().startsWith("picture: a 4000x3000 picture whole needs 137 MB as floats"),
                floats.getMessage());
        assertEquals(2000, ImageOps.fromBufferedImage(picture, 3, DecodeSize.atMost(ImageFiles.DEFAULT_MAX_DECODED_PIXELS))
                .width());
    }

    /**
     * WebP inputs that TwelveMonkeys' decoder reads past their end for long: the fuzzer's 56-byte lossless
     * image of 24 x 24 pixels (72 s with the plain decoder on 2026-12-07) and the first 400 bytes of a
     * 1000 x 1000 lossless image (9 s).
     */
    @Test
    void webPImagesThatADecoderWouldReadPastTheirEndForMinutesAreRefusedAtOnce() throws IOException {
        for (String name : new String[] {"crash-8455c2af9d8f904a195acf1aa45b14e51037b7e1", "seeds/truncated-lossless-1000x1000.webp"}) {
            byte[] bytes;
            try (InputStream in = ImageFilesTest.class.getResourceAsStream(INPUTS + name)) {
                bytes = in.readAllBytes();
            }
            ImageFileException e = assertTimeoutPreemptively(Duration.ofSeconds(3), () -> assertThrows(ImageFileException.class,
                    () -> ImageFiles.decode(bytes, name, 3, DecodeSize.whole())));
            assertTrue(e.getMessage().contains("read past the end of the data"), e.getMessage());
        }
    }

    @Test
    void aFifoIsRefusedWithoutOpeningIt() throws Exception {
        Path fifo = dir.resolve("image.png");
        boolean made;
        try {
            made = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0;
        } catch (IOException noMkfifo) {
            made = false;
        }
        assumeTrue(made, "mkfifo is not available here");
        ImageFileException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(ImageFileException.class, () -> ImageFiles.read(fifo, 3, DecodeSize.whole())));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void stepsFollowTheirRulesOnAwkwardSizes() {
        int[] sides = {1, 2, 3, 13, 31, 33, 255, 256, 257, 1023, 1025, 6000, 100_000};
        for (int w : sides) {
            for (int h : sides) {
                for (long limit : new long[] {1, 7, 1000, 65_536, ImageFiles.DEFAULT_MAX_DECODED_PIXELS}) {
                    int step = DecodeSize.atMost(limit).step(w, h);
                    int smallest = 1;
                    while (DecodeSize.subsampled(w, smallest) * DecodeSize.subsampled(h, smallest) > limit) {
                        smallest++;
                    }
                    assertEquals(smallest, step, w + "x" + h + " at most " + limit);
                }
                for (int target : new int[] {1, 16, 128, 256}) {
                    int largest = 1;
                    while (w >= 2L * target * (largest + 1) && h >= 2L * target * (largest + 1)) {
                        largest++;
                    }
                    assertEquals(largest, DecodeSize.forResize(target, target).step(w, h), w + "x" + h + " for " + target);
                }
            }
        }
    }
}
