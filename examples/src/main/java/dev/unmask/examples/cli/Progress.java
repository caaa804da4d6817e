package dev.unmask.examples.cli;

import dev.unmask.train.ConsoleProgress;
import dev.unmask.train.Trainer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Progress of long jobs on the console: on a terminal a bar redrawn in place (me.tongfei progressbar), elsewhere
 * (logs, pipes, where carriage returns would pile up) plain lines about every tenth of the job.
 */
final class Progress {
    /** Milliseconds between redraws of a terminal bar. */
    private static final int REDRAW_MILLIS = 250;

    private Progress() {
    }

    /** Whether {@code out} is standard output or error on a terminal. */
    static boolean onTerminal(PrintStream out) {
        return (out == System.out || out == System.err) && System.console() != null;
    }

    /**
     * A training listener: a bar with the loss and statistics on a terminal, otherwise {@link ConsoleProgress}
     * lines about every tenth of the {@code steps} (at most every 100 steps).
     */
    static Trainer.Listener training(PrintStream out, long steps) {
        if (onTerminal(out)) {
            return new TrainingBar(bar("train", steps, new ConsoleProgressBarConsumer(out)));
        }
        return new ConsoleProgress(out, Math.max(1, Math.min(100, steps / 10)));
    }

    /** Progress over a known number of items (images scored): a bar on a terminal, plain lines otherwise. */
    static Counter counter(PrintStream out, String unit, long total) {
        return onTerminal(out) ? new BarCounter(bar(unit, total, new ConsoleProgressBarConsumer(out)))
                : new LineCounter(out, unit, total);
    }

    static ProgressBar bar(String task, long total, ProgressBarConsumer consumer) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setConsumer(consumer)
                .setUpdateIntervalMillis(REDRAW_MILLIS).continuousUpdate().build();
    }

    /** The statistics of a training step as the bar's message: {@code loss 0.1230 perplexity 45.10} (4 digits). */
    static String statistics(Trainer.Progress p) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "loss %.4g", p.loss()));
        for (Map.Entry<String, Double> e : new TreeMap<>(p.stats()).entrySet()) {
            s.append(String.format(Locale.ROOT, " %s %.4g", e.getKey(), e.getValue()));
        }
        return s.toString();
    }

    /** {@code m:ss} under an hour, {@code h:mm:ss} from an hour on, rounded down to the second. */
    static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 3600 ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /** Counts items done; reports as it goes and finishes at the total. */
    interface Counter {
        /** Counts {@code items} more done (the count stops at the total). */
        void advance(long items);
    }

    record TrainingBar(ProgressBar bar) implements Trainer.Listener {
        @Override
        public void onStep(Trainer.Progress p) {
            bar.maxHint(p.totalSteps());
            bar.stepTo(p.step());
            bar.setExtraMessage(statistics(p));
            if (p.step() == p.totalSteps()) {
                bar.close();
            }
        }

        @Override
        public void onCheckpoint(long step, Path file) {
            bar.setExtraMessage("checkpoint at step " + step + ": " + file);
        }
    }

    record BarCounter(ProgressBar bar) implements Counter {
        @Override
        public void advance(long items) {
            bar.stepBy(Math.min(items, bar.getMax() - bar.getCurrent()));
            if (bar.getCurrent() >= bar.getMax()) {
                bar.close();
            }
        }
    }

    /**
     * Plain lines such as {@code images 32/128 (25.0%) elapsed 0:10 ETA 0:30} about every tenth of the job and at
     * its end; the remaining time is the elapsed time scaled by the items left over the items done.
     */
    static final class LineCounter implements Counter {
        private final PrintStream out;
        private final String unit;
        private final long total;
        private final long every;
        private final long start = System.nanoTime();
        private long done;
        private long printed;

        LineCounter(PrintStream out, String unit, long total) {
            if (total < 1) {
                throw new IllegalArgumentException("a progress counter needs at least 1 " + unit + ", got " + total);
            }
            this.out = out;
            this.unit = unit;
            this.total = total;
            this.every = Math.max(1, total / 10);
        }

        @Override
        public void advance(long items) {
            if (done == total) {
                return;
            }
            done = Math.min(total, done + items);
            if (done == total || done - printed >= every) {
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                Duration remaining = done == 0 ? Duration.ZERO : elapsed.multipliedBy(total - done).dividedBy(done);
                out.println(line(unit, done, total, elapsed, remaining));
                printed = done;
            }
        }

        /** {@code unit done/total (p.p%) elapsed m:ss ETA m:ss}. */
        static String line(String unit, long done, long total, Duration elapsed, Duration remaining) {
            return String.format(Locale.ROOT, "%s %d/%d (%.1f%%) elapsed %s ETA %s", unit, done, total,
                    100.0 * done / total, clock(elapsed), clock(remaining));
        }
    }
}
