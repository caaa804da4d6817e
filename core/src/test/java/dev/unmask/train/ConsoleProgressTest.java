package dev.unmask.train;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConsoleProgressTest {

    private static Trainer.Progress at(long step, double gradientNorm) {
        return new Trainer.Progress(step, 10, 0.03125, 3e-4, gradientNorm, Map.of("perplexity", 212.4, "codes", 37.0),
                Duration.ofSeconds(65), Duration.ofSeconds(3723));
    }

    @Test
    void printsEveryKStepsAndTheLast() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress progress = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 4);
        for (long step = 1; step <= 10; step++) {
            progress.onStep(at(step, step == 4 ? 0.84 : Double.NaN));
        }
        String expected = String.join(System.lineSeparator(),
                "step 4/10 (40.0%) loss 0.03125 lr 3.00e-04 |g| 0.840 codes 37.00 perplexity 212.4 elapsed 0:01:05 eta 1:02:03",
                "step 8/10 (80.0%) loss 0.03125 lr 3.00e-04 codes 37.00 perplexity 212.4 elapsed 0:01:05 eta 1:02:03",
                "step 10/10 (100.0%) loss 0.03125 lr 3.00e-04 codes 37.00 perplexity 212.4 elapsed 0:01:05 eta 1:02:03",
                "");
        assertEquals(expected, bytes.toString(StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> new ConsoleProgress(System.out, 0));
    }
}
