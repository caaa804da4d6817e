package dev.unmask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unmask.video.FrameSampling;
import dev.unmask.video.VideoFormatException;
import dev.unmask.video.VideoResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Videos scored with the pretrained Meso-4 (Deepfake): each frame's verdicts follow the faces planted in it, agree
 * with {@link Detector#detectFaces} on ffmpeg's decoding of the same frame, and the video's verdict is the sum of
 * its frames done again here by hand.
 */
class VideoScoringTest {
    /**
     * Largest difference of a face's normalised score between JCodec's frame and ffmpeg's decoding of it: the frames
     * differ by at most 4 levels a channel (Mp4FrameSourceTest), which may move a box by a pixel and a score a little.
     */
    private static final double SCORE_TOLERANCE_ACROSS_DECODERS = 0.05;
    private static Detector meso4;

    @BeforeAll
    static void load() throws IOException {
        meso4 = Detector.pretrained("meso4-df");
    }

    @AfterAll
    static void close() {
        meso4.close();
    }

    @Test
    void alternatingFacesGiveAlternatingVerdicts() throws IOException {
        VideoDetection v = meso4.detectVideo(VideoResources.path("alternating.mp4"), VideoOptions.defaults());
        JsonNode planted = VideoResources.planted("alternating.mp4");
        assertEquals(planted.size(), v.frames().size());
        for (FrameDetections f : v.frames()) {
            assertEquals(1, f.faces().size(), "frame " + f.frame());
            Detection face = f.faces().get(0);
            assertEquals(f.frame(), face.frame());
            assertEquals(planted.get(f.frame()).asText().equals("fake"), face.fake(),
                    "frame " + f.frame() + " holds a " + planted.get(f.frame()).asText() + " face, scored "
                            + face.normalisedScore());
            assertEquals(0, f.tracks().get(0), "one face, one track");
        }
    }

    @Test
    void eachFrameScoresAsDetectFacesDoesOnFfmpegsDecodingOfIt() throws IOException {
        VideoDetection v = meso4.detectVideo(VideoResources.path("alternating.mp4"), VideoOptions.defaults());
        for (int k : VideoResources.goldenFrames()) {
            List<Detection> reference = meso4.detectFaces(VideoResources.golden(k), FaceFinding.defaults(),
                    DetectionOptions.DEFAULTS);
            List<Detection> decoded = v.frames().get(k).faces();
            assertEquals(reference.size(), decoded.size(), "frame " + k);
            for (int i = 0; i < reference.size(); i++) {
                assertEquals(reference.get(i).fake(), decoded.get(i).fake(), "frame " + k);
                assertEquals(reference.get(i).normalisedScore(), decoded.get(i).normalisedScore(),
                        SCORE_TOLERANCE_ACROSS_DECODERS, "frame " + k);
                assertTrue(reference.get(i).box().iou(decoded.get(i).box()) >= 0.9, "frame " + k);
            }
        }
    }

    @Test
    void theVerdictIsTheMeanOfTheMostSuspiciousFacesAndTheShareOfFakeFrames() throws IOException {
        VideoDetection v = meso4.detectVideo(VideoResources.path("two_faces.mp4"), VideoOptions.defaults());
        double sum = 0;
        int fakes = 0;
        int withFaces = 0;
        Set<List<Integer>> tracks = new HashSet<>();
        for (FrameDetections f : v.frames()) {
            assertEquals(2, f.faces().size(), "frame " + f.frame());
            double best = Math.max(f.faces().get(0).normalisedScore(), f.faces().get(1).normalisedScore());
            Detection left = f.faces().get(0).box().x() < f.faces().get(1).box().x() ? f.faces().get(0) : f.faces().get(1);
            Detection right = left == f.faces().get(0) ? f.faces().get(1) : f.faces().get(0);
            assertFalse(left.fake(), "the real face is on the left, frame " + f.frame());
            assertTrue(right.fake(), "the fake face is on the right, frame " + f.frame());
            sum += best;
            fakes += best >= 0.5 ? 1 : 0;
            withFaces++;
            tracks.add(List.of(f.tracks().get(f.faces().indexOf(left)), f.tracks().get(f.faces().indexOf(right))));
        }
        assertEquals(1, tracks.size(), "each face keeps its track in every frame: " + tracks);
        List<Integer> pair = tracks.iterator().next();
        assertTrue(!pair.get(0).equals(pair.get(1)), "two faces, two tracks: " + pair);
        assertEquals(6, v.verdict().sampledFrames());
        assertEquals(withFaces, v.verdict().framesWithFaces());
        assertEquals(sum / withFaces, v.verdict().score(), 1e-12);
        assertEquals((double) fakes / withFaces, v.verdict().fakeFrameShare(), 1e-15);
        assertEquals(sum / withFaces >= 0.5, v.verdict().fake());
    }

    @Test
    void aRealVideoIsRealAndAFakeOneFake() throws IOException {
        VideoDetection real = meso4.detectVideo(VideoResources.path("real.mp4"), VideoOptions.defaults());
        VideoDetection fake = meso4.detectVideo(VideoResources.path("fake.mp4"), VideoOptions.defaults());
        assertFalse(real.verdict().fake(), "score " + real.verdict().score());
        assertEquals(0.0, real.verdict().fakeFrameShare());
        assertTrue(fake.verdict().fake(), "score " + fake.verdict().score());
        assertEquals(1.0, fake.verdict().fakeFrameShare());
        assertEquals(1, trackIds(real).size(), "the moving face keeps one track");
    }

    @Test
    void aVideoWithoutAFaceHasNoScore() throws IOException {
        VideoDetection v = meso4.detectVideo(VideoResources.path("no_face.mp4"), VideoOptions.defaults());
        assertEquals(6, v.frames().size());
        assertTrue(v.frames().stream().allMatch(f -> f.faces().isEmpty()));
        assertFalse(v.verdict().faceFound());
        DetectionRow row = DetectionRow.video("no_face.mp4", "meso4-df", v.verdict());
        assertEquals(DetectionRow.NO_FACE, row.verdict());
        assertFalse(row.scored());
    }

    @Test
    void samplingPicksTheFramesScored() throws IOException {
        VideoDetection v = meso4.detectVideo(VideoResources.path("alternating.mp4"),
                VideoOptions.defaults().withSampling(FrameSampling.everyNth(2)));
        assertEquals(List.of(0, 2, 4, 6), v.frames().stream().map(FrameDetections::frame).toList());
        assertEquals(0.0, v.verdict().fakeFrameShare(), "every other frame: only the real face");
    }

    @Test
    void aVideoThatCannotBeDecodedIsRefused() {
        VideoFormatException e = assertThrows(VideoFormatException.class,
                () -> meso4.detectVideo(VideoResources.path("hevc.mp4"), VideoOptions.defaults()));
        assertTrue(e.getMessage().contains("H.265/HEVC"), e.getMessage());
    }

    @Test
    void theVideoRowHoldsTheScoreAndTheVote() throws IOException {
        VideoDetection v = meso4.detectVideo(VideoResources.path("alternating.mp4"), VideoOptions.defaults());
        DetectionRow row = DetectionRow.video("alternating.mp4", "meso4-df", v.verdict());
        List<String> values = row.values();
        assertEquals(DetectionRow.COLUMNS.size(), values.size());
        assertEquals("", values.get(DetectionRow.COLUMNS.indexOf("frame")));
        assertEquals(Double.toString(v.verdict().score()), values.get(DetectionRow.COLUMNS.indexOf("normalised_score")));
        assertEquals("0.5", values.get(DetectionRow.COLUMNS.indexOf("raw_score")), "4 of 8 frames fake");
        assertEquals("", values.get(DetectionRow.COLUMNS.indexOf("track")));
        Detection face = v.frames().get(3).faces().get(0);
        List<String> faceRow = DetectionRow.ofTrack("alternating.mp4", face, 0).values();
        assertEquals("3", faceRow.get(DetectionRow.COLUMNS.indexOf("frame")));
        assertEquals("0", faceRow.get(DetectionRow.COLUMNS.indexOf("track")));
    }

    private static Set<Integer> trackIds(VideoDetection v) {
        Set<Integer> out = new HashSet<>();
        v.frames().forEach(f -> out.addAll(new ArrayList<>(f.tracks())));
        return out;
    }
}
