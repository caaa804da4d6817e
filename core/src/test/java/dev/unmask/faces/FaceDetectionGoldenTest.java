package dev.unmask.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Detections against OpenCV 4.6's {@code CascadeClassifier.detectMultiScale} on the committed scenes
 * (face_goldens.json, made by tools/goldens/faces/make_face_goldens.py): the astronaut, MesoNet faces pasted
 * at several scales, faces at the border, an EXIF-rotated JPEG and images without a face, for the shipped
 * Haar and LBP cascades at the defaults and at other settings, and a cascade with tilted features.
 */
class FaceDetectionGoldenTest {
    /** The required overlap of each box with its OpenCV twin (boxes matched one to one). */
    private static final double MIN_IOU = 0.9;
    private static final int SHOWN_DIFFERENCES = 5;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : FaceResources.json("face_goldens.json").get("cases")) {
            out.add(Arguments.of(c.get("name").asText(), c));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameFacesAsOpenCv(String name, JsonNode c) {
        List<FaceBox> expected = boxes(c.get("boxes"));
        List<FaceBox> actual = detector(c).detect(ExifOrientation.readUpright(FaceResources.path(c.get("image").asText())));
        if (c.get("min_neighbours").asInt() == 0) {
            // ungrouped windows come from the pyramid, integral images and stage sums alone: they must be the
            // same windows, not merely overlapping ones
            assertEquals(List.of(), difference(expected, actual), name + ": OpenCV's windows we miss");
            assertEquals(List.of(), difference(actual, expected), name + ": our windows OpenCV lacks");
        }
        assertEquals(expected.size(), actual.size(), name + ": OpenCV " + expected + ", ours " + actual);
        List<FaceBox> unmatched = new ArrayList<>(actual);
        for (FaceBox e : expected) {
            FaceBox best = unmatched.stream().max(Comparator.comparingDouble(e::iou)).orElseThrow();
            assertTrue(e.iou(best) >= MIN_IOU, name + ": OpenCV's " + e + " is best matched by " + best
                    + " at IoU " + e.iou(best) + "; ours " + actual);
            unmatched.remove(best);
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        BufferedImage scene = ExifOrientation.readUpright(FaceResources.path("scene_grass_800x600.jpg"));
        for (CascadeFaceDetector base : List.of(CascadeFaceDetector.haarFrontalDefault(),
                CascadeFaceDetector.lbpFrontal().withMinNeighbours(0))) {
            List<FaceBox> one = base.detect(scene);
            assertTrue(!one.isEmpty(), "the scene must have detections for this test to mean something");
            for (int threads : new int[] {2, 3, 7}) {
                assertEquals(one, base.withThreads(threads).detect(scene), threads + " threads, " + base);
            }
        }
    }

    @Test
    void imageSmallerThanTheWindowHasNoFaces() {
        BufferedImage tiny = new BufferedImage(23, 40, BufferedImage.TYPE_INT_RGB);
        assertEquals(List.of(), CascadeFaceDetector.haarFrontalDefault().detect(tiny));
        assertEquals(List.of(), CascadeFaceDetector.lbpFrontal().detect(new BufferedImage(60, 44,
                BufferedImage.TYPE_BYTE_GRAY)));
    }

    private static CascadeFaceDetector detector(JsonNode c) {
        String cascade = c.get("cascade").asText();
        CascadeFaceDetector d = switch (cascade) {
            case "haar" -> CascadeFaceDetector.haarFrontalDefault();
            case "lbp" -> CascadeFaceDetector.lbpFrontal();
            default -> CascadeFaceDetector.of(Cascade.read(FaceResources.path(cascade)));
        };
        JsonNode min = c.get("min_size");
        JsonNode max = c.get("max_size");
        return d.withScaleFactor(c.get("scale_factor").asDouble())
                .withMinNeighbours(c.get("min_neighbours").asInt())
                .withMinSize(min.get(0).asInt(), min.get(1).asInt())
                .withMaxSize(max.get(0).asInt(), max.get(1).asInt());
    }

    private static List<FaceBox> boxes(JsonNode list) {
        List<FaceBox> out = new ArrayList<>();
        for (JsonNode b : list) {
            out.add(new FaceBox(b.get(0).asInt(), b.get(1).asInt(), b.get(2).asInt(), b.get(3).asInt()));
        }
        return out;
    }

    /** The boxes of {@code a} not in {@code b}, counting repeats, at most {@link #SHOWN_DIFFERENCES}. */
    private static List<FaceBox> difference(List<FaceBox> a, List<FaceBox> b) {
        List<FaceBox> rest = new ArrayList<>(b);
        List<FaceBox> out = new ArrayList<>();
        for (FaceBox box : a) {
            if (!rest.remove(box) && out.size() < SHOWN_DIFFERENCES) {
                out.add(box);
            }
        }
        return out;
    }

    @Test
    void settingsAreChecked() {
        CascadeFaceDetector d = CascadeFaceDetector.haarFrontalDefault();
        assertThrows(IllegalArgumentException.class, () -> d.withScaleFactor(1.0));
        assertThrows(IllegalArgumentException.class, () -> d.withScaleFactor(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> d.withMinNeighbours(-1));
        assertThrows(IllegalArgumentException.class, () -> d.withMinSize(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxSize(5, -2));
        assertThrows(IllegalArgumentException.class, () -> d.withThreads(0));
    }
}
