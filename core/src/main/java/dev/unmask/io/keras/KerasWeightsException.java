package dev.unmask.io.keras;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that is not readable Keras HDF5 weights, or not the weights of the model it is loaded into. The
 * message is one line: the file, then the first problem found (a malformed structure, a missing layer, the
 * first weight whose shape differs from the model's, a non-finite value). Names quoted from a damaged
 * file may hold any bytes: line breaks become spaces and other control characters '?'.
 */
public class KerasWeightsException extends IOException {
    private static final long serialVersionUID = 1L;

    public KerasWeightsException(Path file, String problem) {
        super(file + ": " + oneLine(problem));
    }

    public KerasWeightsException(Path file, String problem, Throwable cause) {
        super(file + ": " + oneLine(problem), cause);
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").replaceAll("\\p{Cntrl}", "?");
    }
}
