package dev.unmask.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageOps;
import java.awt.image.BufferedImage;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Crops against numpy.pad(mode="reflect") and torch's bilinear interpolate (crop_goldens.json): boxes inside
 * the image, at its borders, 1 x 1, far outside it and larger than it.
 */
class FaceCropTest {
    /** float32 bilinear sums in another order than PyTorch's, plus the goldens' 7 printed decimals. */
    private static final double CROP_TOLERANCE = 1e-5;

    @Test
    void squareIsTheReflectPaddedRegion() throws IOException {
        JsonNode goldens = FaceResources.json("crop_goldens.json");
        BufferedImage source = ImageIO.read(FaceResources.path(goldens.get("source").asText()).toFile());
        FloatImage image = ImageOps.fromBufferedImage(source, 3);
        for (JsonNode c : goldens.get("cases")) {
            FaceBox box = box(c);
            double scale = c.get("scale").asDouble();
            FloatImage square = FaceCrop.square(image, box, scale);
            int side = c.get("side").asInt();
            assertEquals(side, square.width(), box + " side");
            JsonNode levels = c.get("square_levels");
            for (int i = 0; i < levels.size(); i++) {
                assertEquals(levels.get(i).asInt(), ImageOps.toByte(square.data()[i]), box + " value " + i);
            }
            int size = c.get("size").asInt();
            FloatImage crop = FaceCrop.crop(image, box, scale, size);
            FloatImage fromBuffered = FaceCrop.crop(source, box, scale, size);
            JsonNode expected = c.get("crop");
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i).asDouble(), crop.data()[i], CROP_TOLERANCE, box + " crop value " + i);
            }
            assertEquals(crop, fromBuffered, box + ": the BufferedImage path converts only the pixels it needs");
        }
    }

    @Test
    void reflectionBouncesBetweenTheEdges() {
        for (int n : new int[] {1, 2, 3, 7}) {
            // walk from index 0 one step at a time, turning at each edge: the plain definition
            int position = 0;
            int direction = 1;
            for (int i = 0; i < 40; i++) {
                assertEquals(position, FaceCrop.reflect(i, n), "index " + i + " of " + n);
                if (n > 1) {
                    if (position + direction < 0 || position + direction >= n) {
                        direction = -direction;
                    }
                    position += direction;
                }
            }
            position = 0;
            direction = -1;
            for (int i = 0; i > -40; i--) {
                assertEquals(position, FaceCrop.reflect(i, n), "index " + i + " of " + n);
                if (n > 1) {
                    if (position + direction < 0 || position + direction >= n) {
                        direction = -direction;
                    }
                    position += direction;
                }
            }
        }
    }

    @Test
    void badRequestsAreRefused() {
        FloatImage image = FloatImage.zeros(3, 8, 8);
        FaceBox box = new FaceBox(1, 1, 4, 4);
        assertThrows(IllegalArgumentException.class, () -> FaceCrop.crop(image, box, 1.3, 0));
        assertThrows(IllegalArgumentException.class, () -> FaceCrop.crop(image, box, Double.NaN, 16));
        assertThrows(IllegalArgumentException.class, () -> FaceCrop.crop(image, box, -1, 16));
        assertThrows(IllegalArgumentException.class, () -> FaceCrop.crop(image, box, 1e9, 16));
    }

    private static FaceBox box(JsonNode c) {
        JsonNode b = c.get("box");
        return new FaceBox(b.get(0).asInt(), b.get(1).asInt(), b.get(2).asInt(), b.get(3).asInt());
    }
}
