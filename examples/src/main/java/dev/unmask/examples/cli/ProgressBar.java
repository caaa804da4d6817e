package dev.unmask.examples.cli;

import dev.unmask.train.ConsoleProgress;
import dev.unmask.train.Trainer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A single console line redrawn in place with a carriage return after every step, such as
 * {@code [#####.....] 120/400 loss 0.1230 perplexity 45.10 ETA 0:42}; a newline follows the last step and
 * every checkpoint message. {@link #forOutput} picks it on a terminal and plain periodic
 * {@link ConsoleProgress} lines otherwise (logs, pipes), where carriage returns would pile up.
 */
final class ProgressBar implements Trainer.Listener {
    static final int WIDTH = 20;
    private final PrintStream out;
    private int previousLength;

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    /**
     * The bar when {@code out} is standard output and that is a terminal ({@code System.console() != null}),
     * otherwise a {@link ConsoleProgress} printing about ten lines over {@code steps} steps (at most every
     * 100 steps).
     */
    static Trainer.Listener forOutput(PrintStream out, long steps) {
        if (out == System.out && System.console() != null) {
            return new ProgressBar(out);
        }
        return new ConsoleProgress(out, Math.max(1, Math.min(100, steps / 10)));
    }

    @Override
    public void onStep(Trainer.Progress p) {
        redraw(line(p, WIDTH));
        if (p.step() == p.totalSteps()) {
            out.println();
            previousLength = 0;
        }
        out.flush();
    }

    @Override
    public void onCheckpoint(long step, Path file) {
        redraw("checkpoint at step " + step + ": " + file);
        out.println();
        previousLength = 0;
    }

    // spaces blank out the rest of a longer previous line
    private void redraw(String text) {
        out.print("\r" + text + " ".repeat(Math.max(0, previousLength - text.length())));
        previousLength = text.length();
    }

    /**
     * The bar's text: {@code width} cells of which {@code floor(width * step / total)} are {@code #} and the
     * rest {@code .}, then {@code step/total}, the loss and the statistics in name order (4 significant
     * digits) and the remaining time ({@link #clock}).
     */
    static String line(Trainer.Progress p, int width) {
        if (width < 1 || p.totalSteps() < 1) {
            throw new IllegalArgumentException("bar width and total steps must be at least 1, got " + width + " and "
                    + p.totalSteps());
        }
        int filled = (int) Math.min(width, Math.max(0, width * p.step() / p.totalSteps()));
        StringBuilder s = new StringBuilder(width + 64).append('[')
                .append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ")
                .append(p.step()).append('/').append(p.totalSteps())
                .append(String.format(Locale.ROOT, " loss %.4g", p.loss()));
        for (Map.Entry<String, Double> e : new TreeMap<>(p.stats()).entrySet()) {
            s.append(String.format(Locale.ROOT, " %s %.4g", e.getKey(), e.getValue()));
        }
        return s.append(" ETA ").append(clock(p.remaining())).toString();
    }

    /** {@code m:ss} under an hour, {@code h:mm:ss} from an hour on, rounded down to the second. */
    static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 3600 ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
