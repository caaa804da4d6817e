package dev.unmask.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints one line every {@code every} steps (and at the last step) such as
 * {@code step 120/1000 (12.0%) loss 0.0312 lr 3.00e-04 |g| 0.84 perplexity 212.4 elapsed 0:01:05 eta 0:08:02},
 * and one line per checkpoint. Statistics are printed in name order.
 */
public final class ConsoleProgress implements Trainer.Listener {
    private final PrintStream out;
    private final long every;

    /** Reports to {@code out} every {@code every} steps (at least 1). */
    public ConsoleProgress(PrintStream out, long every) {
        if (every < 1) {
            throw new IllegalArgumentException("report period must be at least 1 step, got " + every);
        }
        this.out = out;
        this.every = every;
    }

    @Override
    public void onStep(Trainer.Progress p) {
        if (p.step() % every != 0 && p.step() != p.totalSteps()) {
            return;
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "step %d/%d (%.1f%%) loss %.4g lr %.2e",
                p.step(), p.totalSteps(), 100.0 * p.step() / p.totalSteps(), p.loss(), p.learningRate()));
        if (!Double.isNaN(p.gradientNorm())) {
            line.append(String.format(Locale.ROOT, " |g| %.3g", p.gradientNorm()));
        }
        for (Map.Entry<String, Double> e : new TreeMap<>(p.stats()).entrySet()) {
            line.append(String.format(Locale.ROOT, " %s %.4g", e.getKey(), e.getValue()));
        }
        line.append(" elapsed ").append(clock(p.elapsed())).append(" eta ").append(clock(p.remaining()));
        out.println(line);
    }

    @Override
    public void onCheckpoint(long step, Path file) {
        out.println("checkpoint at step " + step + ": " + file);
    }

    /** {@code h:mm:ss}, rounded down to the second. */
    static String clock(Duration d) {
        long s = d.toSeconds();
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
