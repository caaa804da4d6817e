package dev.unmask.io;

/**
 * Bounded, one-line text for the messages of refusals. A refused input names its source and the problem in
 * one line of fewer than {@value #MAX_MESSAGE_CHARS} characters, whatever the input holds: values echoed
 * from a file (a name, a config, a decoder's own message) are cut and their line breaks and other control
 * characters escaped, so a megabyte-long string or a forged line cannot reach a log whole.
 */
public final class MessageText {
    /** Longest refusal message ({@link #refusal}), in characters. */
    public static final int MAX_MESSAGE_CHARS = 299;
    /** Longest value echoed by {@link #quote} and {@link #excerpt}, before the ellipsis. */
    public static final int MAX_VALUE_CHARS = 80;
    /** Longest source name ({@link #source}); a longer one keeps its end, where the file name is. */
    public static final int MAX_SOURCE_CHARS = 120;

    private static final String ELLIPSIS = "...";

    private MessageText() {
    }

    /** {@code value} between single quotes, cut to {@value #MAX_VALUE_CHARS} characters and escaped. */
    public static String quote(String value) {
        return "'" + excerpt(value) + "'";
    }

    /** {@code value} cut to {@value #MAX_VALUE_CHARS} characters (then "...") with control characters escaped. */
    public static String excerpt(String value) {
        return excerpt(value, MAX_VALUE_CHARS);
    }

    /** {@code value} cut to {@code maxChars} characters (then "...") with control characters escaped. */
    public static String excerpt(String value, int maxChars) {
        String s = String.valueOf(value);
        boolean cut = s.length() > maxChars;
        String head = cut ? s.substring(0, maxChars) : s;
        return escape(head) + (cut ? ELLIPSIS : "");
    }

    /** A source name for a message: escaped, and its last {@value #MAX_SOURCE_CHARS} characters when longer. */
    public static String source(Object source) {
        String s = String.valueOf(source);
        String tail = escape(s.length() <= MAX_SOURCE_CHARS ? s : s.substring(s.length() - MAX_SOURCE_CHARS));
        if (tail.length() <= MAX_SOURCE_CHARS && s.length() <= MAX_SOURCE_CHARS) {
            return tail;
        }
        int keep = MAX_SOURCE_CHARS - ELLIPSIS.length();
        return ELLIPSIS + tail.substring(Math.max(0, tail.length() - keep));
    }

    /**
     * {@code "source: problem"} on one line of at most {@value #MAX_MESSAGE_CHARS} characters: the source as
     * {@link #source}, the problem escaped and cut at the end when the whole would be longer.
     */
    public static String refusal(Object source, String problem) {
        String prefix = source(source) + ": ";
        int room = MAX_MESSAGE_CHARS - prefix.length();
        String p = String.valueOf(problem);
        String text = escape(p.length() <= room ? p : p.substring(0, room));
        if (text.length() <= room && p.length() <= room) {
            return prefix + text;
        }
        return prefix + text.substring(0, Math.min(text.length(), room - ELLIPSIS.length())) + ELLIPSIS;
    }

    /** Line breaks, tabs and other control characters as escapes ({@code \n}, {@code \u0000}). */
    private static String escape(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029';
            if (control && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                switch (c) {
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (control) {
                            out.append(String.format("\\u%04X", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
        }
        return out == null ? s : out.toString();
    }
}
