package dev.unmask.backend.cpu.kernels;

import java.util.Arrays;

/**
 * The fused score-map smoother over [maps, h, w] arrays, threaded over maps: a stride-1 min pool whose
 * window is clipped at the border (padding never wins), then a stride-1 average pool with zero padding
 * that always divides by the full window. Both are separable. The column passes run first, as
 * whole-row array operations (contiguous, so C2 vectorises them); the row passes follow, the row
 * minimum as shifted whole-row minima and the row sum from a prefix sum in double, so each output costs two
 * lookups however wide the window and no rounding drifts along a row (rows holding NaN or infinities
 * are summed window by window instead, so those values stay inside their windows).
 */
public final class MinAvgPool {
    private MinAvgPool() {
    }

    /** Writes the smoothed maps into {@code out} (same size as {@code x}, fully overwritten). */
    public static void apply(int maps, int h, int w, int minKernel, int avgKernel, float[] x, float[] out) {
        int rMin = minKernel / 2;
        int rAvg = avgKernel / 2;
        float inverseArea = 1f / (avgKernel * avgKernel);
        ParallelFor.range(maps, (start, end) -> {
            float[] columnMins = new float[h * w];
            float[] mins = new float[h * w];
            float[] columnSums = new float[w];
            double[] prefix = new double[w + 1];
            for (int map = start; map < end; map++) {
                int base = map * h * w;
                for (int y = 0; y < h; y++) {
                    int row = y * w;
                    System.arraycopy(x, base + row, columnMins, row, w);
                    for (int i = Math.max(0, y - rMin), hi = Math.min(h - 1, y + rMin); i <= hi; i++) {
                        if (i != y) {
                            minInto(columnMins, row, x, base + i * w, w);
                        }
                    }
                    // the row window as shifted whole-row minima; a shift past the border has no partner
                    System.arraycopy(columnMins, row, mins, row, w);
                    for (int d = -rMin; d <= rMin; d++) {
                        if (d != 0 && Math.abs(d) < w) {
                            int from = Math.max(0, -d);
                            minInto(mins, row + from, columnMins, row + from + d, w - Math.abs(d));
                        }
                    }
                }
                for (int y = 0; y < h; y++) {
                    Arrays.fill(columnSums, 0f);
                    for (int i = Math.max(0, y - rAvg), hi = Math.min(h - 1, y + rAvg); i <= hi; i++) {
                        addInto(columnSums, mins, i * w, w);
                    }
                    boolean finite = true;
                    for (int xx = 0; xx < w; xx++) {
                        prefix[xx + 1] = prefix[xx] + columnSums[xx];
                        finite &= Float.isFinite(columnSums[xx]);
                    }
                    int row = base + y * w;
                    for (int xx = 0; xx < w; xx++) {
                        int lo = Math.max(0, xx - rAvg);
                        int hi = Math.min(w, xx + rAvg + 1);
                        out[row + xx] = (float) (finite ? prefix[hi] - prefix[lo] : windowSum(columnSums, lo, hi)) * inverseArea;
                    }
                }
            }
        });
    }

    /** A direct window sum, for rows holding NaN or infinities, which a prefix difference would spread. */
    private static double windowSum(float[] values, int from, int to) {
        double s = 0;
        for (int j = from; j < to; j++) {
            s += values[j];
        }
        return s;
    }

    private static void minInto(float[] target, int targetOffset, float[] source, int sourceOffset, int length) {
        for (int j = 0; j < length; j++) {
            target[targetOffset + j] = Math.min(target[targetOffset + j], source[sourceOffset + j]);
        }
    }

    private static void addInto(float[] target, float[] source, int sourceOffset, int length) {
        for (int j = 0; j < length; j++) {
            target[j] += source[sourceOffset + j];
        }
    }
}
