package dev.unmask;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Decodes encoded image bytes with the same checks as {@link dev.unmask.data.ImageFiles#read} for files. */
final class ImageBytes {
    private ImageBytes() {
    }

    /**
     * The picture in {@code bytes}, refused before decoding when it declares more than {@code maxPixels}.
     *
     * @throws IllegalArgumentException naming the problem: empty, unknown format, too large, corrupt
     */
    static BufferedImage decode(byte[] bytes, long maxPixels) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("image bytes are empty");
        }
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new IllegalArgumentException("image bytes are not a recognised image format (PNG, JPEG, BMP, WebP, TIFF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width <= 0 || height <= 0 || (long) width * height > maxPixels) {
                    throw new IllegalArgumentException("image declares " + width + "x" + height
                            + " pixels; refused before decoding (limit " + maxPixels + ")");
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new IllegalArgumentException("damaged image data (" + String.join("; ", warnings) + ")");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("image bytes are corrupt or truncated: " + e.getMessage(), e);
        }
    }
}
