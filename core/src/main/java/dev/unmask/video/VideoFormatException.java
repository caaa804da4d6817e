package dev.unmask.video;

import dev.unmask.io.MessageText;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A video that cannot be decoded: not a regular file, not an MP4 file or truncated, no video track, no frame, a
 * codec or H.264 profile that is not decoded, a frame size over the limit, or corrupt frame data. The message is
 * one line naming the file and the problem ({@link MessageText#refusal}), whatever the decoder threw.
 */
public final class VideoFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public VideoFormatException(Path file, String problem, Throwable cause) {
        super(MessageText.refusal(file, problem), cause);
        this.file = file;
    }

    public VideoFormatException(Path file, String problem) {
        this(file, problem, null);
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
