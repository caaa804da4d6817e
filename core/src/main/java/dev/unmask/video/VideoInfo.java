package dev.unmask.video;

/**
 * What a video's header says about its video track.
 *
 * @param width      displayed width in pixels
 * @param height     displayed height in pixels
 * @param frames     the number of frames the track declares
 * @param seconds    the track's duration in seconds
 * @param format     the codec and profile, e.g. {@code "H.264 High"}
 */
public record VideoInfo(int width, int height, int frames, double seconds, String format) {
    /** Frames per second on average: {@code frames / seconds}, or 0 for a track of no duration. */
    public double frameRate() {
        return seconds > 0 ? frames / seconds : 0;
    }
}
