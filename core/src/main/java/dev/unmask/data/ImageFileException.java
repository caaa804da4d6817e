package dev.unmask.data;

import dev.unmask.io.MessageText;

import java.nio.file.Path;

/**
 * An image that cannot be used: not a regular file, an unknown format, too large to decode in the memory
 * allowed, corrupt or truncated. The message is one line naming the source (the file, or what the bytes or
 * picture were called) and the problem ({@link MessageText#refusal}). It is an
 * {@link IllegalArgumentException}: a file, bytes or a picture given to the library that it refuses, the
 * same exception whichever way the image came.
 */
public final class ImageFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String source;

    public ImageFileException(Path file, String problem, Throwable cause) {
        super(MessageText.refusal(file, problem), cause);
        this.file = file;
        this.source = String.valueOf(file);
    }

    public ImageFileException(Path file, String problem) {
        this(file, problem, null);
    }

    /** An image that came as bytes or as a picture, called {@code source} in the message. */
    public ImageFileException(String source, String problem, Throwable cause) {
        super(MessageText.refusal(source, problem), cause);
        this.file = null;
        this.source = source;
    }

    public ImageFileException(String source, String problem) {
        this(source, problem, null);
    }

    /** The offending file, or null when the image did not come from a file. */
    public Path file() {
        return file;
    }

    /** What the message calls the image: the file's path, or the name given to the bytes or picture. */
    public String source() {
        return source;
    }
}
