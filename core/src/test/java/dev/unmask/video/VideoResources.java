package dev.unmask.video;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The committed test videos and goldens of core/src/test/resources/video/, made by tools/goldens/video/. */
public final class VideoResources {
    private VideoResources() {
    }

    public static Path path(String name) {
        URL url = VideoResources.class.getResource("/video/" + name);
        assertNotNull(url, "test resource video/" + name + " missing: run tools/goldens/video/make_test_videos.py");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ffmpeg's decoding of a frame of alternating.mp4. */
    public static BufferedImage golden(int frame) {
        try {
            return ImageIO.read(path("alternating_frame_" + frame + ".png").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The frames whose ffmpeg decoding is committed. */
    public static List<Integer> goldenFrames() {
        List<Integer> out = new ArrayList<>();
        manifest().get("golden_frames").forEach(n -> out.add(n.asInt()));
        return out;
    }

    /** What was planted in each frame of {@code video}: "real", "fake", "none", or a list of those. */
    public static JsonNode planted(String video) {
        return manifest().get("planted").get(video);
    }

    private static JsonNode manifest() {
        try {
            return new ObjectMapper().readTree(path("videos.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every frame of {@code video}. */
    public static List<VideoFrame> frames(String video) throws IOException {
        List<VideoFrame> out = new ArrayList<>();
        try (FrameSource source = Mp4FrameSource.open(path(video), FrameSampling.everyFrame())) {
            for (VideoFrame f = source.next(); f != null; f = source.next()) {
                out.add(f);
            }
        }
        return out;
    }
}
