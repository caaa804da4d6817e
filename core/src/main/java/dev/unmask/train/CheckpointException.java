package dev.unmask.train;

import java.io.IOException;

/** A checkpoint file that cannot be used: not a checkpoint, a newer format, or missing or malformed fields. */
public class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
