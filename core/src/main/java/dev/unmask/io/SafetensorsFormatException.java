package dev.unmask.io;

import java.io.IOException;

/**
 * A safetensors file (or stream, or byte array) that breaks the format's rules, or whose values cannot
 * be converted to the requested element type. The message names the source, the tensor or header field
 * and, where one applies, the offset of the problem.
 */
public class SafetensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public SafetensorsFormatException(String message) {
        super(message);
    }

    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
