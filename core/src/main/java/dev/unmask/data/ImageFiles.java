package dev.unmask.data;

import dev.unmask.io.MessageText;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Guarded image decoding, from files and from bytes by the same rules. The dimensions are read from the
 * header first and checked against a pixel limit before any pixel is decoded, so a small file declaring a
 * huge image (a decompression bomb) is refused cheaply. The image is then decoded at the size the caller
 * needs ({@link DecodeSize}: whole, at most N pixels, or enough for a resize), subsampled while it is read,
 * and the memory that decode and the conversion to floats need is computed from the decoder's pixel
 * layout and checked against {@link #MAX_DECODE_BYTES} before decoding: an image that would not fit is
 * refused with the reason, never an {@link OutOfMemoryError}. Decoder warnings (a truncated JPEG decodes
 * to grey with only a warning) are errors. Every refusal is an {@link ImageFileException}.
 *
 * <p>PNG, JPEG, BMP and GIF are read by the JDK, WebP and TIFF by the TwelveMonkeys plugins. The WebP
 * reader decodes the whole image whatever the subsampling (about 25 bytes per declared pixel measured on
 * a lossy 2000 x 2000 file), so a WebP image is charged for its declared size. The JDK's JPEG decoder is
 * native: a progressive JPEG holds its coefficients outside the heap (about 3 bytes per declared pixel),
 * bounded by {@link #DEFAULT_MAX_PIXELS}.
 */
public final class ImageFiles {
    /** File name extensions (lower case, no dot) recognised as images. */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "webp", "tif", "tiff");

    /**
     * Default limit on the pixels an image may declare, checked before decoding: 8192 x 8192. It bounds the
     * decoding time (each declared pixel is decompressed even when subsampled away).
     */
    public static final long DEFAULT_MAX_PIXELS = 8192L * 8192L;

    /** Default size of an image decoded whole at a bounded size ({@link DecodeSize#atMost}): 2048 x 2048. */
    public static final long DEFAULT_MAX_DECODED_PIXELS = 2048L * 2048L;

    /**
     * Heap one decode may use: the decoded raster, two full-width source rows the decoder keeps and the
     * float image, 128 MiB. A 2048 x 2048 RGB image needs 63 MiB, so several decodes fit beside a model in
     * a 512 MB heap.
     */
    public static final long MAX_DECODE_BYTES = 128L << 20;

    /** Heap the WebP decoder uses per declared pixel, with a margin over the measured 25. */
    private static final int WEBP_BYTES_PER_DECLARED_PIXEL = 32;

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
     * Decodes {@code file} whole as a float image with 1 or 3 channels ({@link ImageOps#fromBufferedImage}).
     *
     * @throws ImageFileException naming the file when it is not a regular file, of an unknown format,
     *     declares more than {@code maxPixels} pixels (the declared size is in the message; nothing was
     *     decoded), needs more than {@link #MAX_DECODE_BYTES} to decode whole, or is corrupt or truncated
     */
    public static FloatImage read(Path file, int channels, long maxPixels) {
        return read(file, channels, DecodeSize.whole(), maxPixels);
    }

    /** {@link #read(Path, int, DecodeSize, long)} with the default limit {@link #DEFAULT_MAX_PIXELS}. */
    public static FloatImage read(Path file, int channels, DecodeSize size) {
        return read(file, channels, size, DEFAULT_MAX_PIXELS);
    }

    /**
     * Decodes {@code file} at {@code size} as a float image with 1 or 3 channels.
     *
     * @throws ImageFileException naming the file when it is not a regular file (a folder, a FIFO: opening
     *     one would wait for a writer), of an unknown format, declares more than {@code maxPixels} pixels,
     *     needs more than {@link #MAX_DECODE_BYTES} at that size, or is corrupt or truncated
     */
    public static FloatImage read(Path file, int channels, DecodeSize size, long maxPixels) {
        requireChannels(channels);
        if (!Files.isRegularFile(file)) {
            throw new ImageFileException(file, "not a regular file (missing, a folder, a FIFO or a device)");
        }
        try (ImageInputStream input = new FileImageInputStream(file.toFile())) {
            return decode(input, file, channels, size, maxPixels);
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot be read (" + MessageText.excerpt(e.toString()) + ")", e);
        }
    }

    /**
     * Decodes encoded image bytes (PNG, JPEG, ...) at {@code size} by the rules of
     * {@link #read(Path, int, DecodeSize, long)}, with the limit {@link #DEFAULT_MAX_PIXELS}; messages call
     * the bytes {@code source}.
     *
     * @throws ImageFileException when the bytes are empty, not an image, too large or corrupt
     */
    public static FloatImage decode(byte[] bytes, String source, int channels, DecodeSize size) {
        requireChannels(channels);
        if (bytes == null || bytes.length == 0) {
            throw new ImageFileException(source, "image bytes are empty");
        }
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            return decode(input, source, channels, size, DEFAULT_MAX_PIXELS);
        } catch (IOException e) {
            throw new ImageFileException(source, "cannot be read (" + MessageText.excerpt(e.toString()) + ")", e);
        }
    }

    /**
     * Decodes {@code file} as it is stored (8-bit samples as the decoder gives them) at {@code size}, by the rules of
     * {@link #read(Path, int, DecodeSize, long)} with the limit {@link #DEFAULT_MAX_PIXELS}: the picture that faces
     * are found on.
     *
     * @throws ImageFileException as {@link #read(Path, int, DecodeSize, long)} does
     */
    public static BufferedImage decodePicture(Path file, DecodeSize size) {
        if (!Files.isRegularFile(file)) {
            throw new ImageFileException(file, "not a regular file (missing, a folder, a FIFO or a device)");
        }
        try (ImageInputStream input = new FileImageInputStream(file.toFile())) {
            return decodePicture(input, file, 3, size, DEFAULT_MAX_PIXELS);
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot be read (" + MessageText.excerpt(e.toString()) + ")", e);
        }
    }

    /**
     * Decodes encoded image bytes as they are stored, by the rules of {@link #decodePicture(Path, DecodeSize)};
     * messages call the bytes {@code source}.
     *
     * @throws ImageFileException when the bytes are empty, not an image, too large or corrupt
     */
    public static BufferedImage decodePicture(byte[] bytes, String source, DecodeSize size) {
        if (bytes == null || bytes.length == 0) {
            throw new ImageFileException(source, "image bytes are empty");
        }
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            return decodePicture(input, source, 3, size, DEFAULT_MAX_PIXELS);
        } catch (IOException e) {
            throw new ImageFileException(source, "cannot be read (" + MessageText.excerpt(e.toString()) + ")", e);
        }
    }

    private static void requireChannels(int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
    }

    /** {@code where} is the file's {@link Path} or the name of the bytes, for messages. */
    private static FloatImage decode(ImageInputStream source, Object where, int channels, DecodeSize size,
                                     long maxPixels) {
        return ImageOps.toFloatImage(decodePicture(source, where, channels, size, maxPixels), channels, 1);
    }

    /** The decoded picture, checked as {@link #decode} documents; {@code channels} sizes the memory check. */
    private static BufferedImage decodePicture(ImageInputStream source, Object where, int channels, DecodeSize size,
                                               long maxPixels) {
        // the caller closes the source; the guard holds nothing of its own
        ImageInputStream input = new EndGuardedImageInputStream(source);
        try {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw refusal(where, "not a recognised image format (PNG, JPEG, BMP, WebP, TIFF)", null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width <= 0 || height <= 0 || (long) width * height > maxPixels) {
                    throw refusal(where, "declares " + width + "x" + height + " = " + (long) width * height
                            + " pixels; refused before decoding (limit " + maxPixels + ")", null);
                }
                int step = size.step(width, height);
                requireMemory(reader, where, width, height, step, channels);
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceSubsampling(step, step, 0, 0);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((decoder, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0, param);
                if (!warnings.isEmpty()) {
                    throw refusal(where, "damaged image data (" + MessageText.excerpt(String.join("; ", warnings))
                            + ")", null);
                }
                if (image.getWidth() != DecodeSize.subsampled(width, step)
                        || image.getHeight() != DecodeSize.subsampled(height, step)) {
                    throw refusal(where, "the decoder returned " + image.getWidth() + "x" + image.getHeight()
                            + " pixels for a " + width + "x" + height + " image at step " + step, null);
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (ImageFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // decoders signal truncation and corruption with IIOException, EOFException or runtime errors
            throw refusal(where, "corrupt or truncated image (" + MessageText.excerpt(e.toString()) + ")", e);
        }
    }

    /**
     * Refuses a decode whose raster, full-width rows and float image would need more than
     * {@link #MAX_DECODE_BYTES}; the bytes per pixel come from the decoder's own pixel layout.
     */
    private static void requireMemory(ImageReader reader, Object where, int width, int height, int step,
                                      int channels) throws IOException {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (types == null || !types.hasNext()) {
            throw refusal(where, "the decoder offers no pixel layout for it", null);
        }
        SampleModel layout = types.next().getSampleModel(1, 1);
        long rasterBytesPerPixel = Math.max(1L, (long) layout.getNumDataElements()
                * DataBuffer.getDataTypeSize(layout.getDataType()) / 8);
        long kept = DecodeSize.subsampled(width, step) * DecodeSize.subsampled(height, step);
        long needed = kept * (rasterBytesPerPixel + (long) Float.BYTES * channels)
                + 2L * width * rasterBytesPerPixel;
        if (decodesWholeWhateverTheStep(reader)) {
            needed += (long) width * height * WEBP_BYTES_PER_DECLARED_PIXEL;
        }
        if (needed > MAX_DECODE_BYTES) {
            throw refusal(where, "a " + width + "x" + height + " image decoded " + (step == 1 ? "whole"
                    : "subsampled by " + step) + " needs " + (needed >> 20) + " MB, over the "
                    + (MAX_DECODE_BYTES >> 20) + " MB a decode may use", null);
        }
    }

    private static boolean decodesWholeWhateverTheStep(ImageReader reader) {
        if (reader.getOriginatingProvider() == null) {
            return false;
        }
        for (String name : reader.getOriginatingProvider().getFormatNames()) {
            if (name.equalsIgnoreCase("webp")) {
                return true;
            }
        }
        return false;
    }

    private static ImageFileException refusal(Object where, String problem, Throwable cause) {
        return where instanceof Path file ? new ImageFileException(file, problem, cause)
                : new ImageFileException(String.valueOf(where), problem, cause);
    }
}
