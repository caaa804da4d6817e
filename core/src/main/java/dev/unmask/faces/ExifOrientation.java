package dev.unmask.faces;

import dev.unmask.data.ImageFileException;
import dev.unmask.data.DecodeSize;
import dev.unmask.data.ImageFiles;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The EXIF orientation of a JPEG (tag 0x0112 in IFD0 of the APP1 "Exif" segment) and the transform that
 * brings the stored pixels upright, as {@code cv2.imread} applies it. Values (TIFF 6.0 / EXIF 2.3), naming
 * where the stored row 0 and column 0 belong: 1 upright; 2 mirrored left-right; 3 turned 180 degrees;
 * 4 mirrored top-bottom; 5 transposed (mirrored about the main diagonal); 6 needs a quarter turn clockwise;
 * 7 transversed (mirrored about the anti-diagonal); 8 needs a quarter turn counter-clockwise.
 *
 * <p>The reader walks the JPEG segments up to the start of the scan and every EXIF offset is checked
 * against the segment before it is followed. A file that is not a JPEG, has no EXIF block or no
 * orientation tag, or holds a value outside 1..8 (reserved by the standard; some writers put 0 there) is
 * upright (1).
 */
public final class ExifOrientation {
    public static final int UPRIGHT = 1;

    private static final int ORIENTATION_TAG = 0x0112;
    private static final int TYPE_SHORT = 3;
    private static final int MARKER_SOI = 0xD8;
    private static final int MARKER_SOS = 0xDA;
    private static final int MARKER_EOI = 0xD9;
    private static final int MARKER_APP1 = 0xE1;
    private static final int IFD_ENTRY_BYTES = 12;
    private static final byte[] EXIF_HEADER = {'E', 'x', 'i', 'f', 0, 0};

    private ExifOrientation() {
    }

    /**
     * Decodes {@code file} with {@link ImageFiles#decodePicture} (subsampled to at most
     * {@link ImageFiles#DEFAULT_MAX_DECODED_PIXELS} pixels) and turns it upright by its EXIF orientation: the image
     * faces are to be found on.
     *
     * @throws ImageFileException naming the file when it cannot be decoded or its EXIF block is damaged
     */
    public static BufferedImage readUpright(Path file) {
        int orientation = read(file);
        return apply(ImageFiles.decodePicture(file, DecodeSize.atMost(ImageFiles.DEFAULT_MAX_DECODED_PIXELS)), orientation);
    }

    /**
     * {@link #readUpright(Path)} of encoded image bytes (a file's content read elsewhere, e.g. by a distributed
     * file source); messages call them {@code source}.
     *
     * @throws ImageFileException naming {@code source} when the bytes cannot be decoded or their EXIF block is
     *     damaged
     */
    public static BufferedImage readUpright(byte[] bytes, String source) {
        int orientation;
        try (InputStream in = new ByteArrayInputStream(bytes == null ? new byte[0] : bytes)) {
            orientation = read(in, source);
        } catch (EOFException e) {
            throw new ImageFileException(source, "JPEG header ends inside a segment (truncated file)", e);
        } catch (IOException e) {
            throw new ImageFileException(source, "cannot be read (" + e.getMessage() + ")", e);
        }
        return apply(ImageFiles.decodePicture(bytes, source, DecodeSize.atMost(ImageFiles.DEFAULT_MAX_DECODED_PIXELS)),
                orientation);
    }

    /**
     * The orientation recorded in {@code file}, 1..8.
     *
     * @throws ImageFileException naming the file when it cannot be read, a JPEG segment runs past the end
     *     of the file, or the EXIF block's structure points outside itself
     */
    public static int read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return read(in, file);
        } catch (EOFException e) {
            throw new ImageFileException(file, "JPEG header ends inside a segment (truncated file)", e);
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** {@code where} is the file's {@link Path} or the name of the bytes, for messages. */
    private static int read(InputStream stream, Object where) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int first = in.read();
        int second = in.read();
        if (first != 0xFF || second != MARKER_SOI) {
            return UPRIGHT;
        }
        while (true) {
            int b = in.readUnsignedByte();
            if (b != 0xFF) {
                throw refusal(where, "JPEG header: expected a segment marker, found byte 0x"
                        + Integer.toHexString(b));
            }
            int marker = in.readUnsignedByte();
            while (marker == 0xFF) {
                marker = in.readUnsignedByte();
            }
            if (marker == MARKER_SOS || marker == MARKER_EOI) {
                return UPRIGHT;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue;
            }
            int length = in.readUnsignedShort();
            if (length < 2) {
                throw refusal(where, "JPEG segment 0xFF" + Integer.toHexString(marker).toUpperCase()
                        + " declares length " + length + " (at least 2)");
            }
            byte[] payload = new byte[length - 2];
            in.readFully(payload);
            if (marker == MARKER_APP1 && startsWith(payload, EXIF_HEADER)) {
                return orientation(payload, EXIF_HEADER.length, where);
            }
        }
    }

    /** The orientation tag of the TIFF structure starting at {@code tiff} in an APP1 payload. */
    static int orientation(byte[] segment, int tiff, Object where) {
        int size = segment.length - tiff;
        if (size < 8) {
            throw refusal(where, "EXIF block of " + size + " bytes has no room for a TIFF header");
        }
        boolean littleEndian;
        if (segment[tiff] == 'I' && segment[tiff + 1] == 'I') {
            littleEndian = true;
        } else if (segment[tiff] == 'M' && segment[tiff + 1] == 'M') {
            littleEndian = false;
        } else {
            throw refusal(where, "EXIF block has no TIFF byte order mark (II or MM)");
        }
        TiffBytes t = new TiffBytes(segment, tiff, size, littleEndian);
        if (t.u16(2) != 42) {
            throw refusal(where, "EXIF block's TIFF header lacks the magic number 42");
        }
        long ifd = t.u32(4);
        if (ifd < 8 || ifd > size - 2) {
            throw refusal(where, "EXIF IFD0 offset " + ifd + " lies outside the " + size
                    + "-byte block");
        }
        int entries = t.u16((int) ifd);
        if (ifd + 2 + (long) entries * IFD_ENTRY_BYTES > size) {
            throw refusal(where, "EXIF IFD0 declares " + entries + " entries, more than the "
                    + size + "-byte block holds");
        }
        for (int e = 0; e < entries; e++) {
            int entry = (int) ifd + 2 + e * IFD_ENTRY_BYTES;
            if (t.u16(entry) == ORIENTATION_TAG && t.u16(entry + 2) == TYPE_SHORT && t.u32(entry + 4) == 1) {
                int value = t.u16(entry + 8);
                return value >= 1 && value <= 8 ? value : UPRIGHT;
            }
        }
        return UPRIGHT;
    }

    /**
     * {@code image} turned upright from EXIF orientation {@code orientation} (1..8); 5 to 8 swap width and
     * height. Pixels are moved, never resampled, and keep the image's colour model. Orientation 1 returns
     * {@code image} itself.
     */
    public static BufferedImage apply(BufferedImage image, int orientation) {
        if (orientation < 1 || orientation > 8) {
            throw new IllegalArgumentException("EXIF orientation must be 1..8, got " + orientation);
        }
        if (orientation == UPRIGHT) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        boolean swaps = orientation >= 5;
        int outW = swaps ? h : w;
        int outH = swaps ? w : h;
        Raster in = image.getRaster();
        int bands = in.getNumBands();
        int[] source = in.getPixels(0, 0, w, h, (int[]) null);
        int[] target = new int[source.length];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; }
                }
                System.arraycopy(source, (sy * w + sx) * bands, target, (y * outW + x) * bands, bands);
            }
        }
        WritableRaster out = image.getColorModel().createCompatibleWritableRaster(outW, outH);
        out.setPixels(0, 0, outW, outH, target);
        return new BufferedImage(image.getColorModel(), out, image.isAlphaPremultiplied(), null);
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static ImageFileException refusal(Object where, String problem) {
        return where instanceof Path file ? new ImageFileException(file, problem)
                : new ImageFileException(String.valueOf(where), problem);
    }

    /** Reads 16- and 32-bit unsigned values at offsets inside a TIFF block already known to hold them. */
    private record TiffBytes(byte[] data, int start, int size, boolean littleEndian) {
        int u16(int offset) {
            int a = data[start + offset] & 0xFF;
            int b = data[start + offset + 1] & 0xFF;
            return littleEndian ? a | (b << 8) : (a << 8) | b;
        }

        long u32(int offset) {
            long low = u16(littleEndian ? offset : offset + 2);
            long high = u16(littleEndian ? offset + 2 : offset);
            return (high << 16) | low;
        }
    }
}
