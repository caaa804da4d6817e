package dev.unmask.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The pyramid's resize against cv2.resize(INTER_LINEAR_EXACT) (resize_goldens.json): shrinking by awkward
 * ratios, by exactly 2, to 1 x 1 and along one axis only, enlarging, and the same size. Bit for bit, since
 * the cascade's windows depend on every level.
 */
class LinearExactResizeTest {
    @Test
    void matchesOpenCvBitForBit() throws IOException {
        JsonNode goldens = FaceResources.json("resize_goldens.json");
        GrayImage source = GrayImage.fromBufferedImage(
                ImageIO.read(FaceResources.path(goldens.get("source").asText()).toFile()));
        assertEquals(61, source.width());
        for (JsonNode c : goldens.get("cases")) {
            int w = c.get("width").asInt();
            int h = c.get("height").asInt();
            GrayImage resized = LinearExactResize.resize(source, w, h);
            JsonNode expected = c.get("pixels");
            assertEquals(w * h, expected.size());
            for (int i = 0; i < w * h; i++) {
                assertEquals(expected.get(i).asInt(), resized.get(i % w, i / w),
                        w + "x" + h + " pixel (" + i % w + ", " + i / w + ")");
            }
        }
    }
}
