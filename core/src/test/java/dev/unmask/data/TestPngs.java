package dev.unmask.data;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/** PNG files written chunk by chunk, without an encoder: huge declared sizes from tiny files. */
public final class TestPngs {
    private TestPngs() {
    }

    /**
     * A one-colour 8-bit RGB PNG of {@code width x height} pixels of colour {@code rgb} (0xRRGGBB), its rows
     * streamed through the deflater: a small file that decodes to a huge image (6000 x 6000 is about 120 KB)
     * without the writer holding the image.
     */
    public static void writeSolid(Path file, int width, int height, int rgb) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            signatureAndHeader(out, width, height);
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            byte[] row = new byte[1 + 3 * width];
            for (int x = 0; x < width; x++) {
                row[1 + 3 * x] = (byte) (rgb >> 16);
                row[2 + 3 * x] = (byte) (rgb >> 8);
                row[3 + 3 * x] = (byte) rgb;
            }
            try (OutputStream z = new DeflaterOutputStream(compressed, new Deflater(Deflater.BEST_COMPRESSION), 1 << 16)) {
                for (int y = 0; y < height; y++) {
                    z.write(row);
                }
            }
            chunk(out, "IDAT", compressed.toByteArray());
            chunk(out, "IEND", new byte[0]);
        }
    }

    /** A PNG declaring {@code width x height} RGB pixels whose data is 1000 zero bytes: a decompression bomb. */
    public static byte[] declaring(int width, int height) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        signatureAndHeader(out, width, height);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflater = new DeflaterOutputStream(compressed)) {
            deflater.write(new byte[1000]);
        }
        chunk(out, "IDAT", compressed.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return bytes.toByteArray();
    }

    private static void signatureAndHeader(DataOutputStream out, int width, int height) throws IOException {
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(header);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, 2, 0, 0, 0}); // bit depth 8, colour type RGB, deflate, filter 0, no interlace
        chunk(out, "IHDR", header.toByteArray());
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeInt(data.length);
        out.write(name);
        out.write(data);
        out.writeInt((int) crc.getValue());
    }
}
