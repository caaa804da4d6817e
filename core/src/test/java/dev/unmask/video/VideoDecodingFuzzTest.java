package dev.unmask.video;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.unmask.testing.Refusals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Jazzer fuzz test of video decoding ({@link Mp4FrameSource}): any file either decodes frame by frame to its end or
 * is refused with {@link VideoFormatException} and a one-line message; anything else, an exception JCodec throws
 * past the source or an {@link OutOfMemoryError} in the build's 256 MB heap, is a finding. Without
 * {@code JAZZER_FUZZ} it replays the committed corpus in {@code VideoDecodingFuzzTestInputs} (docs/fuzzing.md);
 * {@link #main} writes that corpus's seeds.
 */
class VideoDecodingFuzzTest {
    /** The test videos copied as seeds: every profile that decodes and every hostile file. */
    private static final List<String> SEEDS = List.of("real.mp4", "main_bframes.mp4", "high.mp4", "truncated_moov.mp4",
            "truncated_mdat.mp4", "mpeg4_part2.mp4", "hevc.mp4", "high10.mp4", "interlaced.mp4", "audio_only.mp4",
            "zero_frames.mp4", "not_a_video.mp4");
    /**
     * Largest frame the fuzzed files may declare: 320 x 240, twice the seeds' sides, so that the time goes to parsing
     * odd files rather than to decoding large frames (a small file can declare many frames of 2048 x 2048, each
     * decoded in full: H.264 can code a whole frame in a few bytes).
     */
    private static final long MAX_FRAME_PIXELS = 320 * 240;
    private static Path file;

    @FuzzTest(maxDuration = "10m")
    void decode(byte[] input) throws IOException {
        Path video = scratchFile();
        Files.write(video, input);
        try (FrameSource frames = Mp4FrameSource.open(video, FrameSampling.everyNth(2), MAX_FRAME_PIXELS)) {
            while (frames.next() != null) {
                // decode to the end
            }
        } catch (VideoFormatException refused) {
            Refusals.requireOneShortLine(refused);
        }
    }

    private static synchronized Path scratchFile() {
        if (file == null) {
            try {
                file = Files.createTempFile("unmask-fuzz-", ".mp4");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            file.toFile().deleteOnExit();
        }
        return file;
    }

    /**
     * Writes the seed corpus into {@code <resources>/dev/unmask/video/VideoDecodingFuzzTestInputs/decode/seeds}: the
     * test videos of {@code <resources>/video} named in {@link #SEEDS}. Run with the test class path and
     * {@code core/src/test/resources}.
     */
    public static void main(String[] args) throws IOException {
        Path resources = Path.of(args[0]);
        Path seeds = resources.resolve("dev/unmask/video/VideoDecodingFuzzTestInputs/decode/seeds");
        Files.createDirectories(seeds);
        for (String name : SEEDS) {
            Files.copy(resources.resolve("video").resolve(name), seeds.resolve(name),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println(SEEDS.size() + " seeds in " + seeds);
    }
}
