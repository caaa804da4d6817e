package dev.unmask.data;

import java.nio.file.Path;

/** An image file that cannot be used: unknown format, too large, corrupt or truncated. Names the file. */
public final class ImageFileException extends RuntimeException {
    private final transient Path file;

    public ImageFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public ImageFileException(Path file, String problem) {
        this(file, problem, null);
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
