package dev.unmask.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unmask.data.ImageFileException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EXIF orientation against cv2.imread, which applies it (orientation_goldens.json: the upright size and the
 * colour in each quadrant of a picture stored for each of the 8 orientations, little- and big-endian), the
 * pixel moves against the EXIF definition corner by corner, and damaged EXIF blocks.
 */
class ExifOrientationTest {
    /** JPEG ringing at a quadrant's centre, far from any edge of the flat colour blocks, is below this. */
    private static final int QUADRANT_LEVEL_TOLERANCE = 3;

    @TempDir
    Path dir;

    @Test
    void uprightAsOpenCvReadsIt() {
        for (JsonNode c : FaceResources.json("orientation_goldens.json").get("cases")) {
            String name = c.get("image").asText();
            BufferedImage upright = ExifOrientation.readUpright(FaceResources.path(name));
            assertEquals(c.get("width").asInt(), upright.getWidth(), name);
            assertEquals(c.get("height").asInt(), upright.getHeight(), name);
            int w = upright.getWidth();
            int h = upright.getHeight();
            int[][] centres = {{w / 4, h / 4}, {3 * w / 4, h / 4}, {w / 4, 3 * h / 4}, {3 * w / 4, 3 * h / 4}};
            for (int q = 0; q < 4; q++) {
                int rgb = upright.getRGB(centres[q][0], centres[q][1]);
                JsonNode bgr = c.get("quadrant_bgr").get(q);
                assertEquals(bgr.get(0).asInt(), rgb & 0xFF, QUADRANT_LEVEL_TOLERANCE, name + " quadrant " + q + " blue");
                assertEquals(bgr.get(1).asInt(), (rgb >> 8) & 0xFF, QUADRANT_LEVEL_TOLERANCE, name + " quadrant " + q);
                assertEquals(bgr.get(2).asInt(), (rgb >> 16) & 0xFF, QUADRANT_LEVEL_TOLERANCE, name + " quadrant " + q);
            }
        }
    }

    @Test
    void bytesTurnUprightAsTheirFileDoes() throws IOException {
        for (int n = 1; n <= 8; n++) {
            Path file = FaceResources.path("orientation_" + n + ".jpg");
            BufferedImage fromFile = ExifOrientation.readUpright(file);
            BufferedImage fromBytes = ExifOrientation.readUpright(Files.readAllBytes(file), "upload " + n);
            assertEquals(fromFile.getWidth(), fromBytes.getWidth(), "orientation " + n);
            assertEquals(fromFile.getHeight(), fromBytes.getHeight(), "orientation " + n);
            assertTrue(Arrays.equals(fromFile.getRGB(0, 0, fromFile.getWidth(), fromFile.getHeight(), null, 0,
                    fromFile.getWidth()), fromBytes.getRGB(0, 0, fromBytes.getWidth(), fromBytes.getHeight(), null, 0,
                    fromBytes.getWidth())), "orientation " + n);
        }
        ImageFileException truncated = assertThrows(ImageFileException.class,
                () -> ExifOrientation.readUpright(jpeg(app1(tiff(true, 8, 1, 6)), 10), "upload.jpg"));
        assertTrue(truncated.getMessage().startsWith("upload.jpg: "), truncated.getMessage());
        assertTrue(truncated.getMessage().contains("ends inside a segment"), truncated.getMessage());
        ImageFileException offset = assertThrows(ImageFileException.class,
                () -> ExifOrientation.readUpright(jpeg(app1(tiff(true, 5000, 1, 6)), 0), "upload.jpg"));
        assertTrue(offset.getMessage().contains("IFD0 offset 5000"), offset.getMessage());
        ImageFileException empty = assertThrows(ImageFileException.class,
                () -> ExifOrientation.readUpright(new byte[0], "upload.jpg"));
        assertTrue(empty.getMessage().startsWith("upload.jpg: "), empty.getMessage());
    }

    @Test
    void readsTheTagOfEachFile() {
        for (int n = 1; n <= 8; n++) {
            assertEquals(n, ExifOrientation.read(FaceResources.path("orientation_" + n + ".jpg")));
        }
        assertEquals(6, ExifOrientation.read(FaceResources.path("orientation_6_motorola.jpg")));
        assertEquals(6, ExifOrientation.read(FaceResources.path("exif_rotated_scene.jpg")));
        assertEquals(1, ExifOrientation.read(FaceResources.path("astronaut.jpg")), "no EXIF block");
        assertEquals(1, ExifOrientation.read(FaceResources.path("noface_shapes_320x240.png")), "not a JPEG");
    }

    /**
     * Where the stored image's corners go, from the EXIF definition of where the stored row 0 and column 0
     * belong: {top-left, top-right, bottom-left, bottom-right} of the stored image, as positions
     * 0 = top-left, 1 = top-right, 2 = bottom-left, 3 = bottom-right of the upright one.
     */
    private static final int[][] CORNERS_GO_TO = {
        {0, 1, 2, 3}, // 1: as stored
        {1, 0, 3, 2}, // 2: mirrored left-right
        {3, 2, 1, 0}, // 3: half turn
        {2, 3, 0, 1}, // 4: mirrored top-bottom
        {0, 2, 1, 3}, // 5: transposed
        {1, 3, 0, 2}, // 6: stored top-left ends top-right (quarter turn clockwise)
        {3, 1, 2, 0}, // 7: transversed
        {2, 0, 3, 1}, // 8: stored top-left ends bottom-left (quarter turn counter-clockwise)
    };

    @Test
    void cornersMoveAsTheDefinitionSays() {
        int w = 5;
        int h = 3;
        BufferedImage stored = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                stored.setRGB(x, y, (y * w + x) * 0x010203);
            }
        }
        int[] storedCorners = {stored.getRGB(0, 0), stored.getRGB(w - 1, 0), stored.getRGB(0, h - 1),
            stored.getRGB(w - 1, h - 1)};
        for (int n = 1; n <= 8; n++) {
            BufferedImage up = ExifOrientation.apply(stored, n);
            int uw = up.getWidth();
            int uh = up.getHeight();
            assertEquals(n >= 5 ? h : w, uw, "orientation " + n);
            int[] uprightCorners = {up.getRGB(0, 0), up.getRGB(uw - 1, 0), up.getRGB(0, uh - 1), up.getRGB(uw - 1, uh - 1)};
            for (int k = 0; k < 4; k++) {
                assertEquals(storedCorners[k], uprightCorners[CORNERS_GO_TO[n - 1][k]], "orientation " + n + " corner " + k);
            }
        }
        assertSame(stored, ExifOrientation.apply(stored, 1));
        assertThrows(IllegalArgumentException.class, () -> ExifOrientation.apply(stored, 9));
    }

    @Test
    void greySamplesAreMovedUnchanged() {
        BufferedImage gray = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 8; i++) {
            gray.getRaster().setSample(i % 4, i / 4, 0, 30 * i);
        }
        BufferedImage turned = ExifOrientation.apply(gray, 6);
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, turned.getType());
        // quarter turn clockwise: upright (x, y) shows stored (y, h - 1 - x)
        assertEquals(30 * 4, turned.getRaster().getSample(0, 0, 0));
        assertEquals(30 * 3, turned.getRaster().getSample(1, 3, 0));
    }

    @Test
    void damagedExifBlocksFailWithTheFileNamed() throws IOException {
        expectProblem("truncated.jpg", jpeg(app1(tiff(true, 8, 1, 6)), 10), "ends inside a segment");
        expectProblem("order.jpg", jpeg(app1(bytes("XX*\u0000\u0008\u0000\u0000\u0000")), 0), "byte order mark");
        expectProblem("offset.jpg", jpeg(app1(tiff(true, 5000, 1, 6)), 0), "IFD0 offset 5000");
        expectProblem("entries.jpg", jpeg(app1(tiff(true, 8, 700, 6)), 0), "declares 700 entries");
        expectProblem("length.jpg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1, 0, 1},
                "declares length 1");
        assertEquals(1, ExifOrientation.read(write("zero.jpg", jpeg(app1(tiff(false, 8, 1, 0)), 0))),
                "reserved value 0 is upright");
        assertEquals(8, ExifOrientation.read(write("le.jpg", jpeg(app1(tiff(true, 8, 1, 8)), 0))));
        assertEquals(3, ExifOrientation.read(write("be.jpg", jpeg(app1(tiff(false, 8, 1, 3)), 0))));
    }

    private void expectProblem(String name, byte[] content, String problem) throws IOException {
        Path file = write(name, content);
        ImageFileException e = assertThrows(ImageFileException.class, () -> ExifOrientation.read(file), name);
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(problem), name + ": " + e.getMessage());
    }

    private Path write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }

    /** A TIFF block with {@code entries} IFD0 entries declared (one present: Orientation) at {@code ifdOffset}. */
    private static byte[] tiff(boolean littleEndian, int ifdOffset, int entries, int orientation) {
        ByteBuffer b = ByteBuffer.allocate(26).order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        b.put(littleEndian ? (byte) 'I' : (byte) 'M').put(littleEndian ? (byte) 'I' : (byte) 'M');
        b.putShort((short) 42).putInt(ifdOffset);
        b.putShort((short) entries).putShort((short) 0x0112).putShort((short) 3).putInt(1);
        b.putShort((short) orientation).putShort((short) 0).putInt(0);
        return b.array();
    }

    private static byte[] app1(byte[] tiff) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int length = 2 + 6 + tiff.length;
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(bytes("Exif\u0000\u0000"));
        out.writeBytes(tiff);
        return out.toByteArray();
    }

    /** SOI, the segment, then an SOS marker; {@code cut} bytes removed from the end when positive. */
    private static byte[] jpeg(byte[] segment, int cut) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        out.writeBytes(segment);
        out.write(0xFF);
        out.write(0xDA);
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - cut);
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }
}
