package dev.unmask.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    // JPEG at quality 95 of a smooth synthetic face: mean error of a few 8-bit levels at most
    private static final double JPEG_MEAN_ERROR = 0.05;

    @TempDir
    Path dir;

    private final SynthFaces faces = new SynthFaces(8, 32, 0.5);

    private void write(FloatImage image, String format, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        if (format.equals("jpeg")) {
            Files.write(file, ImageOps.encodeJpeg(ImageOps.toBufferedImage(image), 95));
        } else {
            assertTrue(ImageIO.write(ImageOps.toBufferedImage(image), format, file.toFile()), "no writer for " + format);
        }
    }

    @Test
    void listsRecursivelyWithFolderLabelsAndDecodesEachFormat() throws IOException {
        Path root = dir.resolve("data");
        write(faces.face(0), "png", root.resolve("real/a.png"));
        write(faces.face(1), "bmp", root.resolve("real/sub/b.bmp"));
        write(faces.face(2), "jpeg", root.resolve("fake/c.jpg"));
        write(faces.face(3), "tiff", root.resolve("Fake/deeper/d.TIF"));
        Files.writeString(root.resolve("real/notes.txt"), "not an image");
        ImageFolder folder = ImageFolder.builder(root).build();
        assertEquals(4, folder.size());
        List<String> paths = List.of(folder.relativePath(0).toString(), folder.relativePath(1).toString(),
                folder.relativePath(2).toString(), folder.relativePath(3).toString());
        assertEquals(List.of("Fake/deeper/d.TIF", "fake/c.jpg", "real/a.png", "real/sub/b.bmp"), paths);
        assertArrayEquals(new int[] {1, 1, 0, 0},
                new int[] {folder.label(0), folder.label(1), folder.label(2), folder.label(3)});
        assertArrayEquals(faces.face(3).data(), folder.get(0).image().data(), "TIFF is lossless");
        assertArrayEquals(faces.face(0).data(), folder.get(2).image().data(), "PNG is lossless");
        assertArrayEquals(faces.face(1).data(), folder.get(3).image().data(), "BMP is lossless");
        Example jpeg = folder.get(1);
        assertEquals(1, jpeg.label());
        assertNull(jpeg.mask());
        assertTrue(meanAbsDifference(faces.face(2), jpeg.image()) < JPEG_MEAN_ERROR);
        assertEquals(1, ImageFolder.builder(root).channels(1).build().get(2).image().channels());
    }

    @Test
    void customFolderLabelsAndMissingLabelIsAnError() throws IOException {
        Path root = dir.resolve("custom");
        write(faces.face(0), "png", root.resolve("good/x.png"));
        write(faces.face(1), "png", root.resolve("bad/y.png"));
        ImageFolder folder = ImageFolder.builder(root).folderLabels(Map.of("GOOD", 0, "bad", 1)).build();
        assertEquals(1, folder.label(0));
        assertEquals(0, folder.label(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageFolder.builder(root).build());
        assertTrue(e.getMessage().contains("y.png") || e.getMessage().contains("x.png"), e.getMessage());
    }

    @Test
    void masksMatchByRelativePathWithAnyExtension() throws IOException {
        Path root = dir.resolve("images");
        Path masks = dir.resolve("masks");
        SynthSample fake = faces.manipulate(4, Manipulation.BLUR, FaceRegion.MOUTH);
        write(fake.image(), "png", root.resolve("fake/v1/f.jpg"));
        write(faces.face(5), "png", root.resolve("real/r.png"));
        FloatImage maskImage = new FloatImage(1, 32, 32, toSigned(fake.mask().data()));
        write(maskImage, "png", masks.resolve("fake/v1/f.png"));
        ImageFolder folder = ImageFolder.builder(root).masks(masks).build();
        Example f = folder.get(0);
        assertArrayEquals(fake.mask().data(), f.mask().data());
        assertArrayEquals(new float[32 * 32], folder.get(1).mask().data(), "real image without mask file");
        Files.delete(masks.resolve("fake/v1/f.png"));
        ImageFileException e = assertThrows(ImageFileException.class, () -> folder.get(0));
        assertTrue(e.getMessage().contains("f.jpg") && e.getMessage().contains("no mask"), e.getMessage());
    }

    @Test
    void csvLabelsDefineTheFilesInOrder() throws IOException {
        Path root = dir.resolve("csvset");
        write(faces.face(0), "png", root.resolve("a.png"));
        write(faces.face(1), "png", root.resolve("sub/b.png"));
        Path csv = dir.resolve("labels.csv");
        Files.writeString(csv, "path,label\nsub/b.png,1\n\na.png, 0\n", StandardCharsets.UTF_8);
        ImageFolder folder = ImageFolder.builder(root).csvLabels(csv).build();
        assertEquals(2, folder.size());
        assertEquals(Path.of("sub/b.png"), folder.relativePath(0));
        assertEquals(1, folder.label(0));
        assertEquals(0, folder.label(1));
        Files.writeString(csv, "a.png,0\nmissing.png,1\n", StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageFolder.builder(root).csvLabels(csv).build());
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("missing.png"), e.getMessage());
        Files.writeString(csv, "a.png,0\nsub/b.png,x\n", StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.builder(root).csvLabels(csv).build());
    }

    /** RFC 4180: a field holding a comma, a quote or a line break is quoted, and its quotes are doubled. */
    @Test
    void csvPathsWithCommasQuotesAndLineBreaksAreQuotedFields() throws IOException {
        Path root = dir.resolve("quoted");
        List<String> names = List.of("a,b.png", "say \"hi\".png", "two\nlines.png", "carriage\rreturn.png");
        StringBuilder csv = new StringBuilder("path,label\r\n");
        for (int i = 0; i < names.size(); i++) {
            try {
                write(faces.face(i), "png", root.resolve(names.get(i)));
            } catch (java.nio.file.InvalidPathException | IOException notOnThisFileSystem) {
                org.junit.jupiter.api.Assumptions.abort("the file system refuses the name " + names.get(i));
            }
            csv.append('"').append(names.get(i).replace("\"", "\"\"")).append("\",").append(i % 2).append("\r\n");
        }
        Path labels = dir.resolve("quoted.csv");
        Files.writeString(labels, csv, StandardCharsets.UTF_8);
        ImageFolder folder = ImageFolder.builder(root).csvLabels(labels).build();
        assertEquals(names.size(), folder.size());
        for (int i = 0; i < names.size(); i++) {
            assertEquals(Path.of(names.get(i)), folder.relativePath(i));
            assertEquals(i % 2, folder.label(i));
        }
        Files.writeString(labels, "a,b.png,1\n", StandardCharsets.UTF_8);
        IllegalArgumentException unquoted = assertThrows(IllegalArgumentException.class,
                () -> ImageFolder.builder(root).csvLabels(labels).build());
        assertTrue(unquoted.getMessage().contains("line 1") && unquoted.getMessage().contains("3 fields"),
                unquoted.getMessage());
    }

    /** 3000 x 1500 is over the decoded-pixel default: image and mask are both subsampled by 2, so they still match. */
    @Test
    void largeImagesAndTheirMasksAreSubsampledByTheSameStep() throws IOException {
        Path root = dir.resolve("large");
        Path masks = dir.resolve("large-masks");
        Files.createDirectories(root.resolve("fake"));
        Files.createDirectories(masks.resolve("fake"));
        TestPngs.writeSolid(root.resolve("fake/a.png"), 3000, 1500, 0x808080);
        TestPngs.writeSolid(masks.resolve("fake/a.png"), 3000, 1500, 0xFFFFFF);
        Example e = ImageFolder.builder(root).masks(masks).build().get(0);
        assertEquals(1500, e.image().width());
        assertEquals(750, e.image().height());
        assertEquals(1500, e.mask().width());
        assertEquals(750, e.mask().height());
        assertEquals(1f, e.mask().data()[e.mask().data().length - 1]);
    }

    @Test
    void decompressionBombIsRefusedBeforeDecoding() throws IOException {
        Path bomb = dir.resolve("real/bomb.png");
        Files.createDirectories(bomb.getParent());
        Files.write(bomb, TestPngs.declaring(100_000, 100_000));
        assertTrue(Files.size(bomb) < 200, "the bomb file itself is tiny");
        ImageFolder folder = ImageFolder.builder(dir).build();
        ImageFileException e = assertThrows(ImageFileException.class, () -> folder.get(0));
        assertEquals(bomb, e.file());
        assertTrue(e.getMessage().contains("bomb.png") && e.getMessage().contains("100000x100000")
                && e.getMessage().contains("refused before decoding"), e.getMessage());
        // a size under the limit passes the check and then fails to decode the tiny data: a different error
        Files.write(bomb, TestPngs.declaring(64, 64));
        ImageFileException small = assertThrows(ImageFileException.class, () -> folder.get(0));
        assertFalse(small.getMessage().contains("refused before decoding"), small.getMessage());
    }

    @Test
    void truncatedAndForeignFilesGiveErrorsNamingTheFile() throws IOException {
        byte[] jpeg = ImageOps.encodeJpeg(ImageOps.toBufferedImage(faces.face(0)), 90);
        for (int length : new int[] {jpeg.length / 2, 300, 10}) {
            Path file = dir.resolve("truncated" + length + ".jpg");
            Files.write(file, Arrays.copyOf(jpeg, length));
            ImageFileException e = assertThrows(ImageFileException.class,
                    () -> ImageFiles.read(file, 3, ImageFiles.DEFAULT_MAX_PIXELS), "length " + length);
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        }
        Path text = dir.resolve("text.png");
        Files.writeString(text, "hello, not a picture");
        ImageFileException e = assertThrows(ImageFileException.class,
                () -> ImageFiles.read(text, 3, ImageFiles.DEFAULT_MAX_PIXELS));
        assertTrue(e.getMessage().contains("text.png") && e.getMessage().contains("not a recognised"), e.getMessage());
        assertThrows(ImageFileException.class, () -> ImageFiles.read(dir.resolve("absent.png"), 3, 100));
    }

    @Test
    void realAndFakeFaceNamesParse() throws IOException {
        RealAndFakeFaceName fake = RealAndFakeFaceName.parse("easy_12_0110.jpg").orElseThrow();
        assertEquals(RealAndFakeFaceName.Difficulty.EASY, fake.difficulty());
        assertEquals(12, fake.number());
        assertEquals(List.of(false, true, true, false),
                List.of(fake.leftEye(), fake.rightEye(), fake.nose(), fake.mouth()));
        assertTrue(fake.fake());
        RealAndFakeFaceName hard = RealAndFakeFaceName.parse("HARD_3_1001.JPG").orElseThrow();
        assertEquals(RealAndFakeFaceName.Difficulty.HARD, hard.difficulty());
        assertTrue(hard.leftEye() && hard.mouth() && !hard.nose());
        assertEquals(RealAndFakeFaceName.Difficulty.MID, RealAndFakeFaceName.parse("mid_7_0001.png").orElseThrow().difficulty());
        RealAndFakeFaceName real = RealAndFakeFaceName.parse("real_00001.jpg").orElseThrow();
        assertFalse(real.fake());
        assertEquals(1, real.number());
        assertTrue(RealAndFakeFaceName.parse("easy_12_0120.jpg").isEmpty());
        assertTrue(RealAndFakeFaceName.parse("easy_12_011.jpg").isEmpty());
        assertTrue(RealAndFakeFaceName.parse("other.jpg").isEmpty());

        Path root = dir.resolve("rff");
        write(faces.face(0), "png", root.resolve("training_real/real_00001.png"));
        write(faces.face(1), "png", root.resolve("training_fake/mid_5_1100.png"));
        ImageFolder folder = ImageFolder.builder(root).labels(RealAndFakeFaceName::label).build();
        assertEquals(1, folder.label(0));
        assertEquals(0, folder.label(1));
    }

    /** A PNG whose IHDR declares width x height RGB but whose IDAT holds only 1000 zero bytes. */
    private static float[] toSigned(float[] zeroOne) {
        float[] out = new float[zeroOne.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = 2 * zeroOne[i] - 1;
        }
        return out;
    }

    private static double meanAbsDifference(FloatImage a, FloatImage b) {
        double sum = 0;
        for (int i = 0; i < a.data().length; i++) {
            sum += Math.abs(a.data()[i] - b.data()[i]);
        }
        return sum / a.data().length;
    }
}
