package dev.unmask.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unmask.testing.Refusals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Decoding against ffmpeg's frames, display order, sampling, and every refusal on the committed hostile files. */
class Mp4FrameSourceTest {
    /**
     * Largest difference of one RGB channel between JCodec's frame and ffmpeg's (swscale's) decoding of the same
     * H.264 stream: the YUV samples are the same (H.264 decoding is exact), but the two convert YUV to RGB with
     * different rounding and chroma upsampling; 3 levels measured, 4 allowed.
     */
    private static final int MAX_CHANNEL_DIFFERENCE = 4;
    /** Mean absolute channel difference for the same reason: 1.22 measured. */
    private static final double MAX_MEAN_DIFFERENCE = 1.5;
    /**
     * Mean difference allowed between a frame of another encoding of alternating.mp4's pictures (Main with B-frames,
     * High) and ffmpeg's frame of alternating.mp4: both are CRF 18 encodings of the same pictures.
     */
    private static final double MAX_MEAN_DIFFERENCE_OTHER_ENCODING = 4;

    @Test
    void framesMatchFfmpegsDecoding() throws IOException {
        List<VideoFrame> frames = VideoResources.frames("alternating.mp4");
        assertEquals(8, frames.size());
        for (int i = 0; i < frames.size(); i++) {
            VideoFrame f = frames.get(i);
            assertEquals(i, f.index());
            assertEquals(i / 10.0, f.seconds(), 1e-9, "10 frames per second");
            assertEquals(160, f.image().getWidth());
            assertEquals(120, f.image().getHeight());
        }
        for (int k : VideoResources.goldenFrames()) {
            BufferedImage golden = VideoResources.golden(k);
            int[] max = new int[1];
            double mean = meanDifference(frames.get(k).image(), golden, max);
            assertTrue(max[0] <= MAX_CHANNEL_DIFFERENCE, "frame " + k + ": channel difference " + max[0]);
            assertTrue(mean <= MAX_MEAN_DIFFERENCE, "frame " + k + ": mean difference " + mean);
            assertEquals(k, nearest(frames, golden), "ffmpeg's frame " + k + " is nearest to another decoded frame");
        }
    }

    @ParameterizedTest
    @CsvSource({"main_bframes.mp4, H.264 Main", "high.mp4, H.264 High"})
    void mainWithBFramesAndHighDecodeInDisplayOrder(String video, String format) throws IOException {
        try (FrameSource source = Mp4FrameSource.open(VideoResources.path(video), FrameSampling.everyFrame())) {
            assertEquals(format, source.info().format());
        }
        List<VideoFrame> frames = VideoResources.frames(video);
        assertEquals(8, frames.size());
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(i, frames.get(i).index());
            assertEquals(i / 10.0, frames.get(i).seconds(), 1e-9);
        }
        for (int k : VideoResources.goldenFrames()) {
            BufferedImage golden = VideoResources.golden(k);
            assertEquals(k, nearest(frames, golden), video + ": frame " + k + " out of display order");
            double mean = meanDifference(frames.get(k).image(), golden, new int[1]);
            assertTrue(mean <= MAX_MEAN_DIFFERENCE_OTHER_ENCODING, video + " frame " + k + ": mean difference " + mean);
        }
    }

    @Test
    void infoFromTheHeader() throws IOException {
        try (FrameSource source = Mp4FrameSource.open(VideoResources.path("two_faces.mp4"), FrameSampling.everyFrame())) {
            VideoInfo info = source.info();
            assertEquals(new VideoInfo(160, 120, 6, 0.6, "H.264 Baseline"), info);
            assertEquals(10, info.frameRate(), 1e-9);
        }
    }

    @Test
    void everyNthFrame() throws IOException {
        assertEquals(List.of(0, 3, 6), indices("alternating.mp4", FrameSampling.everyNth(3)));
        assertEquals(List.of(0, 2, 4, 6), indices("main_bframes.mp4", FrameSampling.everyNth(2)));
    }

    @Test
    void framesPerSecond() throws IOException {
        // frames at 0.0, 0.1, ..., 0.7 s; 4 a second keeps the first at or after 0, 0.25, 0.5 and 0.75 s
        assertEquals(List.of(0, 3, 5), indices("alternating.mp4", FrameSampling.perSecond(4)));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), indices("alternating.mp4", FrameSampling.perSecond(10)));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), indices("alternating.mp4", FrameSampling.perSecond(50)));
        assertEquals(List.of(0, 5), indices("alternating.mp4", FrameSampling.perSecond(2)));
        assertEquals(List.of(0), indices("alternating.mp4", FrameSampling.perSecond(1)));
    }

    @Test
    void samplingArgumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> FrameSampling.everyNth(0));
        assertThrows(IllegalArgumentException.class, () -> FrameSampling.perSecond(0));
        assertThrows(IllegalArgumentException.class, () -> FrameSampling.perSecond(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new FrameSampling(2, 3));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "truncated_moov.mp4 | truncated: the 'mdat' box",
        "truncated_mdat.mp4 | truncated: the 'mdat' box",
        "not_a_video.mp4    | not an MP4 file",
        "mpeg4_part2.mp4    | unsupported video codec 'mp4v' (MPEG-4 Part 2); only H.264 (avc1) is decoded",
        "hevc.mp4           | unsupported video codec 'hev1' (H.265/HEVC)",
        "high10.mp4         | unsupported H.264 profile High 10",
        "interlaced.mp4     | unsupported H.264 High profile stream with interlaced (field or MBAFF) coding",
        "audio_only.mp4     | no video track (1 other track: mp4a)",
        "zero_frames.mp4    | no frames: the video track is empty"})
    void refusesWithOneLineNamingTheProblem(String video, String problem) {
        Path file = VideoResources.path(video);
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> readAll(file));
        Refusals.requireOneShortLine(e);
        assertTrue(e.getMessage().startsWith(file.toString().length() <= 120 ? file.toString() : "..."), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertEquals(file, e.file());
    }

    @Test
    void aFrameOnWhichTheDecoderLoopsIsRefusedAfterItsTimeLimit() throws Exception {
        // found by VideoDecodingFuzzTest: JCodec's CABAC decoder never leaves a unary code once the slice data ends
        Path file = Path.of(Mp4FrameSourceTest.class.getResource("/dev/unmask/video/VideoDecodingFuzzTestInputs/decode/"
                + "crash-e0caf79d17bf7a31feacb3a2eed70b20ba2aee9e").toURI());
        long start = System.nanoTime();
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> readAll(file));
        Refusals.requireOneShortLine(e);
        assertTrue(e.getMessage().contains("the decoder did not finish it in 1.1 s (corrupt frame data)"), e.getMessage());
        assertTrue(System.nanoTime() - start < 60_000_000_000L, "refused, not hung");
    }

    @Test
    void refusesFramesOverThePixelLimit() {
        Path file = VideoResources.path("real.mp4");
        VideoFormatException e = assertThrows(VideoFormatException.class,
                () -> Mp4FrameSource.open(file, FrameSampling.everyFrame(), 160 * 112));
        assertTrue(e.getMessage().contains("frames of 160x128 pixels are over the limit of 17920 pixels"), e.getMessage());
    }

    @Test
    void refusesWhatIsNotARegularFile(@TempDir Path dir) {
        VideoFormatException missing = assertThrows(VideoFormatException.class,
                () -> Mp4FrameSource.open(dir.resolve("absent.mp4"), FrameSampling.everyFrame()));
        assertTrue(missing.getMessage().endsWith("absent.mp4: no such file"), missing.getMessage());
        VideoFormatException folder = assertThrows(VideoFormatException.class,
                () -> Mp4FrameSource.open(dir, FrameSampling.everyFrame()));
        assertTrue(folder.getMessage().endsWith(": not a regular file"), folder.getMessage());
    }

    @Test
    void everyPrefixOfAVideoIsDecodedOrRefused(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(VideoResources.path("main_bframes.mp4"));
        Path cut = dir.resolve("cut.mp4");
        for (int length = 0; length < whole.length; length += 97) {
            Files.write(cut, java.util.Arrays.copyOf(whole, length));
            VideoFormatException e = assertThrows(VideoFormatException.class, () -> readAll(cut), "length " + length);
            Refusals.requireOneShortLine(e);
        }
    }

    @Test
    void closesTwiceAndRefusesReadsAfterClosing() throws IOException {
        FrameSource source = Mp4FrameSource.open(VideoResources.path("real.mp4"), FrameSampling.everyFrame());
        source.close();
        source.close();
        assertThrows(IllegalStateException.class, source::next);
    }

    @Test
    void endsWithNull() throws IOException {
        try (FrameSource source = Mp4FrameSource.open(VideoResources.path("no_face.mp4"), FrameSampling.everyNth(5))) {
            assertEquals(0, source.next().index());
            assertEquals(5, source.next().index());
            assertNull(source.next());
            assertNull(source.next());
        }
    }

    static void readAll(Path file) throws IOException {
        try (FrameSource source = Mp4FrameSource.open(file, FrameSampling.everyFrame())) {
            while (source.next() != null) {
                // decode to the end
            }
        }
    }

    private static List<Integer> indices(String video, FrameSampling sampling) throws IOException {
        List<Integer> out = new java.util.ArrayList<>();
        try (FrameSource source = Mp4FrameSource.open(VideoResources.path(video), sampling)) {
            for (VideoFrame f = source.next(); f != null; f = source.next()) {
                out.add(f.index());
            }
        }
        return out;
    }

    private static int nearest(List<VideoFrame> frames, BufferedImage golden) {
        int best = -1;
        double bestMean = Double.MAX_VALUE;
        for (int i = 0; i < frames.size(); i++) {
            double mean = meanDifference(frames.get(i).image(), golden, new int[1]);
            if (mean < bestMean) {
                bestMean = mean;
                best = i;
            }
        }
        return best;
    }

    /** Mean absolute difference over the R, G and B values of two pictures of one size; the largest in {@code max[0]}. */
    static double meanDifference(BufferedImage a, BufferedImage b, int[] max) {
        assertEquals(a.getWidth(), b.getWidth());
        assertEquals(a.getHeight(), b.getHeight());
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    int d = Math.abs((p >> shift & 255) - (q >> shift & 255));
                    sum += d;
                    max[0] = Math.max(max[0], d);
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }
}
