package dev.unmask.io;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Refusal messages stay one short line whatever the input echoed into them holds. */
class MessageTextTest {
    @Test
    void shortValuesAreQuotedAsTheyAre() {
        assertEquals("'vqvae.enc.blocks.0.weight'", MessageText.quote("vqvae.enc.blocks.0.weight"));
        assertEquals("model.safetensors: tensor 'a' holds NaN", MessageText.refusal("model.safetensors", "tensor 'a' holds NaN"));
    }

    @Test
    void longValuesAreCutAndControlCharactersEscaped() {
        String quoted = MessageText.quote("x".repeat(19 << 20));
        assertEquals("'" + "x".repeat(MessageText.MAX_VALUE_CHARS) + "...'", quoted);
        assertEquals("'two\\nlines\\r\\tand \\u0000 \\u2028'", MessageText.quote("two\nlines\r\tand \0 \u2028"));
    }

    @Test
    void aRefusalIsOneLineOfAtMost299CharactersWithTheFileNameKept() {
        String longPath = "/data/" + "deep/".repeat(100) + "model.safetensors";
        String problem = "loadStateDict: " + "missing 'a.b.c';\n".repeat(10_000);
        String message = MessageText.refusal(longPath, problem);
        assertTrue(message.length() <= MessageText.MAX_MESSAGE_CHARS, message.length() + ": " + message);
        assertTrue(message.lines().count() == 1, message);
        assertTrue(message.startsWith("...") && message.contains("model.safetensors: loadStateDict: missing 'a.b.c';\\n"),
                message);
        assertTrue(message.endsWith("..."), message);
    }
}
