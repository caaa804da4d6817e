package dev.unmask.faces;

/** A cascade file that cannot be used: not well-formed XML, truncated, or not a cascade this package evaluates. */
public final class CascadeFormatException extends RuntimeException {
    private final String source;

    public CascadeFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
    }

    public CascadeFormatException(String source, String problem) {
        this(source, problem, null);
    }

    /** The file or resource the cascade was read from. */
    public String source() {
        return source;
    }
}
