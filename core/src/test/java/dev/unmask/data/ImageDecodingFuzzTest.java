package dev.unmask.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.unmask.testing.Refusals;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Jazzer fuzz test of image decoding ({@link ImageFiles#decode}): any bytes either decode or are refused
 * with {@link ImageFileException} and a one-line message, whole and subsampled for a resize; anything
 * else, an {@link OutOfMemoryError} in the build's 256 MB heap included, is a finding. Without
 * {@code JAZZER_FUZZ} it replays the committed corpus in {@code ImageDecodingFuzzTestInputs}
 * (docs/fuzzing.md); {@link #main} writes that corpus's seeds.
 */
class ImageDecodingFuzzTest {
    /** The model input of the latent-restoration presets is at most this side. */
    private static final int MODEL_SIDE = 128;

    @FuzzTest(maxDuration = "10m")
    void decode(byte[] input) {
        decode(input, 3, DecodeSize.whole());
        decode(input, 1, DecodeSize.forResize(MODEL_SIDE, MODEL_SIDE));
    }

    private static void decode(byte[] input, int channels, DecodeSize size) {
        try {
            ImageFiles.decode(input, "fuzz input", channels, size);
        } catch (ImageFileException refused) {
            Refusals.requireOneShortLine(refused);
        }
    }

    /**
     * Writes the seed corpus into {@code <resources>/dev/unmask/data/ImageDecodingFuzzTestInputs/decode/seeds}:
     * small images in every format and pixel layout ImageIO writes (WebP seeds, which it cannot write, are
     * made by {@code core/src/test/python/make_webp_seeds.py}), truncated ones, a PNG header declaring
     * 100000 x 100000 and a solid 6000 x 6000 PNG. Run with the test class path and
     * {@code core/src/test/resources}.
     */
    public static void main(String[] args) throws IOException {
        Path seeds = Path.of(args[0], "dev/unmask/data/ImageDecodingFuzzTestInputs/decode/seeds");
        Files.createDirectories(seeds);
        FloatImage face = new SynthFaces(3, 24, 0).face(0);
        BufferedImage rgb = ImageOps.toBufferedImage(face);
        Map<String, byte[]> inputs = new TreeMap<>();
        inputs.put("rgb.png", encode(rgb, "png", null));
        inputs.put("grey.png", encode(ImageOps.toBufferedImage(ImageOps.fromBufferedImage(rgb, 1)), "png", null));
        inputs.put("grey16.png", encode(convert(rgb, BufferedImage.TYPE_USHORT_GRAY), "png", null));
        inputs.put("argb.png", encode(convert(rgb, BufferedImage.TYPE_INT_ARGB), "png", null));
        inputs.put("palette.png", encode(palette(rgb), "png", null));
        inputs.put("baseline.jpg", ImageOps.encodeJpeg(rgb, 90));
        inputs.put("progressive.jpg", encode(rgb, "jpeg", ImageWriteParam.MODE_DEFAULT));
        inputs.put("rgb.bmp", encode(rgb, "bmp", null));
        inputs.put("palette.gif", encode(palette(rgb), "gif", null));
        inputs.put("raw.tif", encode(rgb, "tiff", null));
        inputs.put("truncated.png", Arrays.copyOf(inputs.get("rgb.png"), inputs.get("rgb.png").length / 2));
        inputs.put("truncated.jpg", Arrays.copyOf(inputs.get("baseline.jpg"), inputs.get("baseline.jpg").length / 2));
        inputs.put("declares-100000x100000.png", TestPngs.declaring(100_000, 100_000));
        inputs.put("text.png", "hello, not a picture".getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, byte[]> e : inputs.entrySet()) {
            Files.write(seeds.resolve(e.getKey()), e.getValue());
        }
        TestPngs.writeSolid(seeds.resolve("solid-6000x6000.png"), 6000, 6000, 0x4078C8);
        System.out.println((inputs.size() + 1) + " seeds in " + seeds);
    }

    /** Encodes with the format's first writer; {@code progressive} sets that mode when not null. */
    private static byte[] encode(BufferedImage image, String format, Integer progressive) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (progressive != null) {
                param.setProgressiveMode(progressive);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static BufferedImage convert(BufferedImage image, int type) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), type);
        out.getGraphics().drawImage(image, 0, 0, null);
        return out;
    }

    /** A 16-colour palette image: the colours map through the palette, not as grey levels. */
    private static BufferedImage palette(BufferedImage image) {
        byte[] r = new byte[16];
        byte[] g = new byte[16];
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            r[i] = (byte) (i * 17);
            g[i] = (byte) (255 - i * 13);
            b[i] = (byte) (i * 7);
        }
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(4, 16, r, g, b));
        out.getGraphics().drawImage(image, 0, 0, null);
        return out;
    }
}
