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
 * {@link Counter} does the same for jobs counted in items rather than training steps (images scored).
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
        StringBuilder s = new StringBuilder(width + 64).append(cells(p.step(), p.totalSteps(), width))
                .append(String.format(Locale.ROOT, " loss %.4g", p.loss()));
        for (Map.Entry<String, Double> e : new TreeMap<>(p.stats()).entrySet()) {
            s.append(String.format(Locale.ROOT, " %s %.4g", e.getKey(), e.getValue()));
        }
        return s.append(" ETA ").append(clock(p.remaining())).toString();
    }

    // "[###.......] done/total"
    private static String cells(long done, long total, int width) {
        int filled = (int) Math.min(width, Math.max(0, width * done / total));
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total;
    }

    /** {@code m:ss} under an hour, {@code h:mm:ss} from an hour on, rounded down to the second. */
    static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 3600 ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /**
     * Progress of a job over a known number of items, e.g. {@code [#####...............] 32/128 images ETA 0:12}
     * redrawn in place on a terminal, or plain lines such as {@code images 32/128 (25.0%) elapsed 0:10 ETA 0:30}
     * about every tenth of the job otherwise. The remaining time is the elapsed time scaled by the items left
     * over the items done. A newline (or the last plain line) follows the last item.
     */
    static final class Counter {
        private final PrintStream out;
        private final String unit;
        private final long total;
        private final ProgressBar bar;
        private final long every;
        private final long start = System.nanoTime();
        private long done;
        private long printed;
        private boolean finished;

        /** Redraws one line on {@code out} when {@code redraw}, otherwise prints a line about every tenth of the job. */
        Counter(PrintStream out, String unit, long total, boolean redraw) {
            if (total < 1) {
                throw new IllegalArgumentException("a progress counter needs at least 1 " + unit + ", got " + total);
            }
            this.out = out;
            this.unit = unit;
            this.total = total;
            this.bar = redraw ? new ProgressBar(out) : null;
            this.every = Math.max(1, total / 10);
        }

        /** The redrawn bar when {@code out} is standard output or error on a terminal, plain lines otherwise. */
        static Counter forOutput(PrintStream out, String unit, long total) {
            return new Counter(out, unit, total, (out == System.out || out == System.err) && System.console() != null);
        }

        /** Counts {@code items} more done (the count stops at the total) and reports; nothing once the total is reached. */
        void advance(long items) {
            if (finished) {
                return;
            }
            done = Math.min(total, done + items);
            finished = done == total;
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            Duration remaining = done == 0 ? Duration.ZERO : elapsed.multipliedBy(total - done).dividedBy(done);
            if (bar != null) {
                bar.redraw(barLine(unit, done, total, remaining, WIDTH));
                if (done == total) {
                    out.println();
                }
                out.flush();
            } else if (done == total || done - printed >= every) {
                out.println(plainLine(unit, done, total, elapsed, remaining));
                printed = done;
            }
        }

        /** {@code [###.......] done/total unit ETA m:ss}, the cells as in {@link ProgressBar#line}. */
        static String barLine(String unit, long done, long total, Duration remaining, int width) {
            return cells(done, total, width) + " " + unit + " ETA " + clock(remaining);
        }

        /** {@code unit done/total (p.p%) elapsed m:ss ETA m:ss}. */
        static String plainLine(String unit, long done, long total, Duration elapsed, Duration remaining) {
            return String.format(Locale.ROOT, "%s %d/%d (%.1f%%) elapsed %s ETA %s", unit, done, total,
                    100.0 * done / total, clock(elapsed), clock(remaining));
        }
    }
}
