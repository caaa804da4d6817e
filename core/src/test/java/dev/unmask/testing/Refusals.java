package dev.unmask.testing;

import dev.unmask.io.MessageText;

/** The contract of every refusal: a message of one line, at most {@link MessageText#MAX_MESSAGE_CHARS} long. */
public final class Refusals {
    private Refusals() {
    }

    /** Throws an {@link AssertionError} (with {@code refusal} as its cause) when its message breaks the contract. */
    public static void requireOneShortLine(Throwable refusal) {
        String message = refusal.getMessage();
        if (message == null || message.isEmpty() || message.length() > MessageText.MAX_MESSAGE_CHARS
                || message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
            throw new AssertionError("a refusal must be one line of at most " + MessageText.MAX_MESSAGE_CHARS
                    + " characters, got " + (message == null ? "null" : message.length() + " characters"), refusal);
        }
    }
}
