package dev.unmask.video;

import java.io.IOException;

/**
 * The sampled frames of one video, one at a time, in display order. Not thread-safe; close it when done
 * (closing twice is safe).
 * <pre>{@code
 * try (FrameSource frames = Mp4FrameSource.open(path, FrameSampling.perSecond(2))) {
 *     for (VideoFrame f = frames.next(); f != null; f = frames.next()) {
 *         ... f.index(), f.seconds(), f.image() ...
 *     }
 * }
 * }</pre>
 */
public interface FrameSource extends AutoCloseable {
    /** The video's size, frame count and format, known once the source is open. */
    VideoInfo info();

    /**
     * The next sampled frame, or null after the last one.
     *
     * @throws VideoFormatException naming the file when the frame data is truncated or corrupt
     * @throws IOException when the file cannot be read
     */
    VideoFrame next() throws IOException;

    @Override
    void close() throws IOException;
}
