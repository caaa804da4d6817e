package dev.unmask.examples.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** One line that names the problem, for any failure a command reports. */
final class ErrorMessages {
    /** The longest message printed; longer ones (a huge echoed value) are cut. */
    static final int MAX_LENGTH = 300;

    private ErrorMessages() {
    }

    static String describe(Throwable e) {
        Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        String text;
        if (t instanceof NoSuchFileException f) {
            text = f.getFile() + ": no such file or folder";
        } else if (t instanceof AccessDeniedException f) {
            text = f.getFile() + ": permission denied";
        } else if (t instanceof NotDirectoryException f) {
            text = f.getFile() + ": not a folder";
        } else if (t instanceof FileSystemException f) {
            text = f.getFile() + ": " + (f.getReason() != null ? f.getReason() : t.getClass().getSimpleName());
        } else if (t instanceof OutOfMemoryError) {
            text = "out of memory (" + t.getMessage() + "); give the JVM more heap with -Xmx";
        } else if (t.getMessage() == null || t.getMessage().isBlank()) {
            text = t.getClass().getSimpleName();
        } else {
            text = t.getMessage();
        }
        if (e instanceof UncheckedIOException u && t != e && u.getMessage() != null && !text.contains(u.getMessage())) {
            text = u.getMessage().replace(": " + t.getMessage(), "") + ": " + text;
        }
        text = text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH - 3) + "...";
    }
}
