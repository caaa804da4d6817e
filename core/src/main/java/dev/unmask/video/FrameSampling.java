package dev.unmask.video;

/**
 * Which frames of a video are decoded into pictures: every {@code n}-th frame ({@link #everyNth}), or about
 * {@code f} frames per second of presentation time ({@link #perSecond}). Every frame is still decoded (H.264
 * frames depend on one another); sampling only decides which are converted and returned.
 *
 * @param everyNth  keep frames {@code 0, n, 2n, ...} (display order), or 0 when sampling by time
 * @param perSecond keep the first frame at or after each multiple of {@code 1 / perSecond} seconds, or 0 when
 *                  sampling by count
 */
public record FrameSampling(int everyNth, double perSecond) {
    /** Slack on the time grid, so that a frame stamped 0.19999999 s counts as at 0.2 s. */
    private static final double TIME_SLACK_SECONDS = 1e-6;

    public FrameSampling {
        boolean byCount = everyNth >= 1 && perSecond == 0;
        boolean byTime = everyNth == 0 && perSecond > 0 && Double.isFinite(perSecond);
        if (!byCount && !byTime) {
            throw new IllegalArgumentException("sample every n-th frame (n >= 1) or f frames per second (f > 0), not "
                    + "both, got n = " + everyNth + ", f = " + perSecond);
        }
    }

    /** Every frame. */
    public static FrameSampling everyFrame() {
        return new FrameSampling(1, 0);
    }

    /** Frames {@code 0, n, 2n, ...}. */
    public static FrameSampling everyNth(int n) {
        return new FrameSampling(n, 0);
    }

    /** The first frame at or after each of {@code 0, 1/f, 2/f, ...} seconds (so at most about f a second). */
    public static FrameSampling perSecond(double f) {
        return new FrameSampling(0, f);
    }

    /**
     * Whether to keep frame {@code index} shown at {@code seconds}, the last kept frame having been shown at
     * {@code lastKeptSeconds} (NaN before the first kept frame): by count {@code index % n == 0}; by time when
     * {@code floor(seconds * f)} is above {@code floor(lastKeptSeconds * f)}, or no frame was kept yet.
     */
    public boolean keeps(int index, double seconds, double lastKeptSeconds) {
        if (everyNth > 0) {
            return index % everyNth == 0;
        }
        return Double.isNaN(lastKeptSeconds) || slot(seconds) > slot(lastKeptSeconds);
    }

    private long slot(double seconds) {
        return (long) Math.floor(seconds * perSecond + TIME_SLACK_SECONDS);
    }

    @Override
    public String toString() {
        return everyNth > 0 ? (everyNth == 1 ? "every frame" : "every " + everyNth + "th frame")
                : perSecond + " frames per second";
    }
}
