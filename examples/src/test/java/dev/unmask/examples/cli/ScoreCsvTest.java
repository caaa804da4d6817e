package dev.unmask.examples.cli;

import dev.unmask.Detection;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The scores CSV quotes what RFC 4180 says must be quoted, so every row reads back as one record. */
class ScoreCsvTest {
    @Test
    void fileNamesWithCommasQuotesAndLineBreaksAreQuotedAndQuotesDoubled() {
        List<Path> files = List.of(Path.of("plain.png"), Path.of("a,b.png"), Path.of("say \"hi\".png"),
                Path.of("two\nlines.png"), Path.of("carriage\rreturn.png"));
        Detection real = new Detection(1.5, 0.25, false, null);
        List<Detection> detections = List.of(real, real, real, real, real);
        String expectedRow = ",1.500000,0.250000,real\n";
        String expected = "file,score,normalised_score,verdict\n"
                + "plain.png" + expectedRow
                + "\"a,b.png\"" + expectedRow
                + "\"say \"\"hi\"\".png\"" + expectedRow
                + "\"two\nlines.png\"" + expectedRow
                + "\"carriage\rreturn.png\"" + expectedRow;
        assertEquals(expected, ScoreCommand.toCsv(files, detections));
    }
}
