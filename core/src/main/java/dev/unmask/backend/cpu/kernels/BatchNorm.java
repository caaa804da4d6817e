package dev.unmask.backend.cpu.kernels;

/**
 * Batch normalisation over NCHW arrays [n, channels, plane], threaded over channels (the statistics and the
 * gradient) or over planes (the forward), so no sum is split between threads and results do not depend on the
 * thread count. Per-channel sums accumulate in double, in four interleaved chains in a fixed order; the
 * elementwise passes are one float multiply-add per element, {@code x * alpha[c] + beta[c]} (as PyTorch's CPU
 * kernel), which the JIT vectorises.
 */
public final class BatchNorm {
    /** Below this many elements one thread is faster than a hand-off to the pool. */
    private static final int PARALLEL_ELEMENTS = 1 << 15;

    private BatchNorm() {
    }

    /** Per channel: {@code mean = sum x / M}, then {@code variance = sum (x - mean)^2 / M}, M = n * plane. */
    public static void statistics(float[] x, int n, int channels, int plane, float[] mean, float[] variance) {
        double count = (double) n * plane;
        run(channels, x.length, (start, end) -> {
            for (int c = start; c < end; c++) {
                double sum = 0;
                for (int image = 0; image < n; image++) {
                    sum += sum(x, (image * channels + c) * plane, plane);
                }
                double m = sum / count;
                double squares = 0;
                for (int image = 0; image < n; image++) {
                    squares += squaredDeviations(x, (image * channels + c) * plane, plane, m);
                }
                mean[c] = (float) m;
                variance[c] = (float) (squares / count);
            }
        });
    }

    /** {@code out = (x - mean[c]) / sqrt(variance[c] + eps) * weight[c] + bias[c]}, as {@code x * alpha + beta}. */
    public static void forward(float[] x, int n, int channels, int plane, float[] mean, float[] variance, float[] weight,
                               float[] bias, float eps, float[] out) {
        float[] alpha = new float[channels];
        float[] beta = new float[channels];
        for (int c = 0; c < channels; c++) {
            double a = weight[c] / Math.sqrt((double) variance[c] + eps);
            alpha[c] = (float) a;
            beta[c] = (float) (bias[c] - mean[c] * a);
        }
        run(n * channels, x.length, (start, end) -> {
            for (int p = start; p < end; p++) {
                float a = alpha[p % channels];
                float b = beta[p % channels];
                for (int i = p * plane, stop = i + plane; i < stop; i++) {
                    out[i] = x[i] * a + b;
                }
            }
        });
    }

    /**
     * The gradients of {@link #forward}: {@code gradWeight = sum g x^}, {@code gradBias = sum g} and
     * {@code gradX = g * alpha + x * beta + gamma}, where with batch statistics (training) alpha = weight / std,
     * beta = -alpha sum(g x^) / (M std) and gamma = -alpha sum(g) / M - beta mean, and otherwise
     * alpha = weight / std, beta = gamma = 0.
     */
    public static void backward(float[] g, float[] x, int n, int channels, int plane, float[] mean, float[] variance,
                                float[] weight, float eps, boolean batchStatistics, float[] gradX, float[] gradWeight,
                                float[] gradBias) {
        double count = (double) n * plane;
        run(channels, x.length, (start, end) -> {
            for (int c = start; c < end; c++) {
                double m = mean[c];
                double inverseStd = 1 / Math.sqrt((double) variance[c] + eps);
                double sum = 0;
                double sumCentred = 0;
                for (int image = 0; image < n; image++) {
                    int base = (image * channels + c) * plane;
                    sum += sum(g, base, plane);
                    sumCentred += centredProducts(g, x, base, plane, m);
                }
                gradWeight[c] = (float) (sumCentred * inverseStd);
                gradBias[c] = (float) sum;
                double a = weight[c] * inverseStd;
                float alpha = (float) a;
                float beta = batchStatistics ? (float) (-a * inverseStd * inverseStd * sumCentred / count) : 0f;
                float gamma = batchStatistics ? (float) (-a * sum / count - beta * m) : 0f;
                for (int image = 0; image < n; image++) {
                    int base = (image * channels + c) * plane;
                    if (batchStatistics) {
                        for (int i = base, stop = base + plane; i < stop; i++) {
                            gradX[i] = g[i] * alpha + x[i] * beta + gamma;
                        }
                    } else {
                        for (int i = base, stop = base + plane; i < stop; i++) {
                            gradX[i] = g[i] * alpha;
                        }
                    }
                }
            }
        });
    }

    /** {@code sum of a[from .. from + length)} in double, four chains. */
    private static double sum(float[] a, int from, int length) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (int end = from + (length & ~3); i < end; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (int end = from + length; i < end; i++) {
            s0 += a[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code sum of (a[i] - m)^2} over the run in double, four chains. */
    private static double squaredDeviations(float[] a, int from, int length, double m) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (int end = from + (length & ~3); i < end; i += 4) {
            double d0 = a[i] - m;
            double d1 = a[i + 1] - m;
            double d2 = a[i + 2] - m;
            double d3 = a[i + 3] - m;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (int end = from + length; i < end; i++) {
            double d = a[i] - m;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code sum of g[i] (x[i] - m)} over the run in double, four chains. */
    private static double centredProducts(float[] g, float[] x, int from, int length, double m) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (int end = from + (length & ~3); i < end; i += 4) {
            s0 += g[i] * (x[i] - m);
            s1 += g[i + 1] * (x[i + 1] - m);
            s2 += g[i + 2] * (x[i + 2] - m);
            s3 += g[i + 3] * (x[i + 3] - m);
        }
        for (int end = from + length; i < end; i++) {
            s0 += g[i] * (x[i] - m);
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static void run(int tasks, int elements, ParallelFor.RangeBody body) {
        if (elements < PARALLEL_ELEMENTS) {
            body.run(0, tasks);
        } else {
            ParallelFor.range(tasks, body);
        }
    }
}
