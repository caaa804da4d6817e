package dev.unmask.optim;

/**
 * The learning rate as a function of the number of steps already taken (0 before the first step).
 * Use: {@code optimizer.setLearningRate(schedule.rate(optimizer.steps())); optimizer.step();}
 */
@FunctionalInterface
public interface LearningRateSchedule {
    double rate(long step);

    static LearningRateSchedule constant(double rate) {
        return step -> rate;
    }

    /** {@code base * gamma^(step / every)}, as PyTorch's StepLR. */
    static LearningRateSchedule step(double base, long every, double gamma) {
        if (every < 1) {
            throw new IllegalArgumentException("step schedule: period must be at least 1, got " + every);
        }
        return step -> base * Math.pow(gamma, step / every);
    }

    /**
     * Linear warm-up from {@code base / warmup} to {@code base} over the first {@code warmup} steps, then
     * a half cosine from {@code base} down to {@code minimum} at step {@code total}, then {@code minimum}.
     */
    static LearningRateSchedule cosineWithWarmup(double base, long warmup, long total, double minimum) {
        if (warmup < 0 || total <= warmup) {
            throw new IllegalArgumentException("cosine schedule: need 0 <= warmup < total, got " + warmup + " and " + total);
        }
        return step -> {
            if (step < warmup) {
                return base * (step + 1) / warmup;
            }
            double progress = Math.min(1.0, (double) (step - warmup) / (total - warmup));
            return minimum + (base - minimum) * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }
}
