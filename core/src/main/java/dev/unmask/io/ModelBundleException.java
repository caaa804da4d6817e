package dev.unmask.io;

import java.io.IOException;

/**
 * A well-formed safetensors file that is not a usable model bundle: an unknown or newer format version,
 * a missing or malformed metadata entry, or a model of another type than the one asked for.
 */
public class ModelBundleException extends IOException {
    private static final long serialVersionUID = 1L;

    public ModelBundleException(String message) {
        super(message);
    }

    public ModelBundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
