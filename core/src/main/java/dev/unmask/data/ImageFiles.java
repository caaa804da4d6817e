package dev.unmask.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Guarded image decoding: the dimensions are read from the header first and checked against a pixel
 * limit before any pixel is decoded, so a small file declaring a huge image (a decompression bomb) is
 * refused cheaply; decoder warnings (a truncated JPEG decodes to grey with only a warning) are errors.
 * PNG, JPEG and BMP are read by the JDK, WebP and TIFF by the TwelveMonkeys plugins.
 */
public final class ImageFiles {
    /** File name extensions (lower case, no dot) recognised as images. */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "webp", "tif", "tiff");

    /** Default pixel limit: 8192 x 8192, well above any face crop yet far below what exhausts a heap. */
    public static final long DEFAULT_MAX_PIXELS = 8192L * 8192L;

    private ImageFiles() {
    }

    /** True when the file name ends with one of {@link #EXTENSIONS} (any case). */
    public static boolean isImage(Path file) {
        return EXTENSIONS.contains(extension(file.getFileName().toString()));
    }

    /** The lower-case extension after the last dot, or "" when there is none. */
    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * Decodes {@code file} as a float image with 1 or 3 channels ({@link ImageOps#fromBufferedImage}).
     *
     * @throws ImageFileException naming the file when it is missing, of an unknown format, declares more
     *     than {@code maxPixels} pixels (the declared size is in the message; nothing was decoded), or is
     *     corrupt or truncated
     */
    public static FloatImage read(Path file, int channels, long maxPixels) {
        return ImageOps.fromBufferedImage(decode(file, maxPixels), channels);
    }

    /**
     * Decodes {@code file} as it is stored (8-bit samples as the decoder gives them), with the checks of
     * {@link #read}.
     *
     * @throws ImageFileException as {@link #read} does
     */
    public static BufferedImage decode(Path file, long maxPixels) {
        if (!Files.isRegularFile(file)) {
            throw new ImageFileException(file, "not a readable file");
        }
        try (ImageInputStream input = ImageIO.createImageInputStream(file.toFile())) {
            if (input == null) {
                throw new ImageFileException(file, "cannot be opened for reading");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new ImageFileException(file, "not a recognised image format (PNG, JPEG, BMP, WebP, TIFF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width <= 0 || height <= 0 || (long) width * height > maxPixels) {
                    throw new ImageFileException(file, "declares " + width + "x" + height + " = "
                            + (long) width * height + " pixels; refused before decoding (limit " + maxPixels + ")");
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new ImageFileException(file, "damaged image data (" + String.join("; ", warnings) + ")");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (ImageFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // decoders signal truncation and corruption with IIOException, EOFException or runtime errors
            throw new ImageFileException(file, "corrupt or truncated image (" + e + ")", e);
        }
    }
}
