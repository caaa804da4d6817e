package dev.unmask;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageOps;
import dev.unmask.faces.FaceBox;
import dev.unmask.faces.FaceCrop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faces in whole pictures: the boxes are OpenCV's (face_goldens.json, made by cv2 at the default settings), each
 * face is scored on its own crop, and a picture without a face gives no detection at all.
 */
class DetectorFacesTest {
    /** The faces issue's agreement target with OpenCV's boxes. */
    private static final double MIN_IOU = 0.9;
    private static Detector meso4;

    @BeforeAll
    static void load() throws IOException {
        meso4 = Detector.pretrained("meso4-df");
    }

    @AfterAll
    static void close() {
        meso4.close();
    }

    private static Path resource(String name) {
        try {
            return Path.of(DetectorFacesTest.class.getResource("/faces/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<FaceBox> openCvBoxes(String image) throws IOException {
        JsonNode goldens;
        try (InputStream in = DetectorFacesTest.class.getResourceAsStream("/faces/face_goldens.json")) {
            goldens = new ObjectMapper().readTree(in);
        }
        for (JsonNode c : goldens.get("cases")) {
            if (c.get("image").asText().equals(image) && c.get("cascade").asText().equals("haar")
                    && c.get("min_neighbours").asInt() == 3 && c.get("scale_factor").asDouble() == 1.1
                    && c.get("min_size").get(0).asInt() == 0) {
                List<FaceBox> boxes = new ArrayList<>();
                for (JsonNode b : c.get("boxes")) {
                    boxes.add(new FaceBox(b.get(0).asInt(), b.get(1).asInt(), b.get(2).asInt(), b.get(3).asInt()));
                }
                return boxes;
            }
        }
        throw new IllegalStateException("no golden for " + image);
    }

    @Test
    void everyFaceOpenCvFindsGetsItsOwnDetectionWithItsBox() throws IOException {
        Path scene = resource("scene_coffee_640x480.jpg");
        List<Detection> found = meso4.detectFaces(scene, FaceFinding.defaults(), DetectionOptions.DEFAULTS);
        List<FaceBox> expected = openCvBoxes("scene_coffee_640x480.jpg");
        assertEquals(expected.size(), found.size(), "as many faces as OpenCV finds");
        BufferedImage picture = ImageIO.read(scene.toFile());
        FloatImage whole = ImageOps.fromBufferedImage(picture, 3);
        for (int i = 0; i < found.size(); i++) {
            Detection d = found.get(i);
            FaceBox box = d.faceBox().orElseThrow();
            assertTrue(expected.stream().anyMatch(b -> b.iou(box) >= MIN_IOU), box + " among " + expected);
            Detection alone = meso4.detectAll(List.of(meso4.prepare(FaceCrop.square(whole, box, FaceCrop.DEFAULT_SCALE))),
                    DetectionOptions.DEFAULTS).get(0);
            assertEquals(alone.rawScore(), d.rawScore(), "face " + i + " is scored on its own crop");
            assertEquals(-1, d.frame());
        }
    }

    @Test
    void pastedFacesKeepTheirVerdicts() throws IOException {
        // scene_coffee: real00240 pasted at (30, 40) 150 px wide, df00204 at (400, 250) 190 px wide
        List<Detection> found = meso4.detectFaces(resource("scene_coffee_640x480.jpg"), FaceFinding.defaults(),
                DetectionOptions.DEFAULTS);
        Detection real = nearest(found, new FaceBox(30, 40, 150, 150));
        Detection fake = nearest(found, new FaceBox(400, 250, 190, 190));
        assertTrue(!real.fake() && fake.fake(), "real " + real.normalisedScore() + ", fake " + fake.normalisedScore());
    }

    private static Detection nearest(List<Detection> found, FaceBox pasted) {
        return found.stream().max((a, b) -> Double.compare(a.box().iou(pasted), b.box().iou(pasted))).orElseThrow();
    }

    @Test
    void aPictureWithoutAFaceGivesNoDetection() throws IOException {
        for (String name : List.of("noface_brick_256x256.jpg", "noface_shapes_320x240.png")) {
            assertEquals(List.of(), meso4.detectFaces(resource(name), FaceFinding.defaults(), DetectionOptions.DEFAULTS), name);
        }
    }

    @Test
    void facesAreFoundOnThePictureTurnedUprightByItsExifOrientation() throws IOException {
        List<Detection> found = meso4.detectFaces(resource("exif_rotated_scene.jpg"), FaceFinding.defaults(),
                DetectionOptions.DEFAULTS);
        List<FaceBox> expected = openCvBoxes("exif_rotated_scene.jpg");
        assertEquals(expected.size(), found.size());
        for (Detection d : found) {
            assertTrue(expected.stream().anyMatch(b -> b.iou(d.box()) >= MIN_IOU), d.box() + " among " + expected);
        }
    }
}
