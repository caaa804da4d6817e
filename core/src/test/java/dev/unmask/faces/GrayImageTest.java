package dev.unmask.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Grey conversion against cv2.cvtColor(COLOR_BGR2GRAY) (colours_64x64*.png from make_face_goldens.py). */
class GrayImageTest {
    @Test
    void matchesOpenCvOnRandomColours() throws IOException {
        BufferedImage colours = ImageIO.read(FaceResources.path("colours_64x64.png").toFile());
        BufferedImage gray = ImageIO.read(FaceResources.path("colours_64x64_gray.png").toFile());
        GrayImage ours = GrayImage.fromBufferedImage(colours);
        GrayImage opencv = GrayImage.fromBufferedImage(gray);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                assertEquals(opencv.get(x, y), ours.get(x, y), "pixel (" + x + ", " + y + ")");
            }
        }
    }

    @Test
    void everyImageTypeGivesTheSameLevels() {
        SplittableRandom random = new SplittableRandom(11);
        int w = 13;
        int h = 7;
        int[] argb = new int[w * h];
        for (int i = 0; i < argb.length; i++) {
            argb[i] = random.nextInt();
        }
        GrayImage reference = null;
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB,
                BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_BGR}) {
            BufferedImage image = new BufferedImage(w, h, type);
            image.setRGB(0, 0, w, h, argb, 0, w);
            GrayImage gray = GrayImage.fromBufferedImage(image);
            if (reference == null) {
                reference = gray;
            }
            assertEquals(reference, gray, "image type " + type);
        }
        for (int i = 0; i < argb.length; i++) {
            int r = (argb[i] >> 16) & 0xFF;
            int g = (argb[i] >> 8) & 0xFF;
            int b = argb[i] & 0xFF;
            // BT.601 luma rounded; the fixed-point formula can differ from it by one level at most
            double luma = 0.299 * r + 0.587 * g + 0.114 * b;
            int level = reference.get(i % w, i / w);
            assertEquals(luma, level, 1.0, "colour " + Integer.toHexString(argb[i]));
        }
    }

    @Test
    void greyImagesKeepTheirLevels() {
        BufferedImage gray8 = new BufferedImage(256, 1, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage gray16 = new BufferedImage(256, 1, BufferedImage.TYPE_USHORT_GRAY);
        for (int x = 0; x < 256; x++) {
            gray8.getRaster().setSample(x, 0, 0, x);
            gray16.getRaster().setSample(x, 0, 0, (x << 8) | 0xAB);
        }
        GrayImage a = GrayImage.fromBufferedImage(gray8);
        GrayImage b = GrayImage.fromBufferedImage(gray16);
        for (int x = 0; x < 256; x++) {
            assertEquals(x, a.get(x, 0));
            assertEquals(x, b.get(x, 0));
        }
    }

    @Test
    void rejectsInconsistentSizes() {
        assertThrows(IllegalArgumentException.class, () -> new GrayImage(0, 3, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new GrayImage(4, 3, new byte[11]));
    }
}
