package dev.unmask.backend.cpu.kernels;

/**
 * The fused score-map smoother over [maps, h, w] arrays, threaded over maps: a stride-1 min pool whose
 * window is clipped at the border (padding never wins), then a stride-1 average pool with zero padding
 * that always divides by the full window. Both are separable, so each runs as a row pass and a column
 * pass (2k instead of k^2 reads per output), and the sums stay exact window sums rather than running
 * sums, so no rounding drifts along a row.
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
            float[] rows = new float[h * w];
            float[] mins = new float[h * w];
            for (int map = start; map < end; map++) {
                int base = map * h * w;
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        float m = x[base + y * w + xx];
                        for (int j = Math.max(0, xx - rMin), hi = Math.min(w - 1, xx + rMin); j <= hi; j++) {
                            m = Math.min(m, x[base + y * w + j]);
                        }
                        rows[y * w + xx] = m;
                    }
                }
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        float m = rows[y * w + xx];
                        for (int i = Math.max(0, y - rMin), hi = Math.min(h - 1, y + rMin); i <= hi; i++) {
                            m = Math.min(m, rows[i * w + xx]);
                        }
                        mins[y * w + xx] = m;
                    }
                }
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        float s = 0f;
                        for (int j = Math.max(0, xx - rAvg), hi = Math.min(w - 1, xx + rAvg); j <= hi; j++) {
                            s += mins[y * w + j];
                        }
                        rows[y * w + xx] = s;
                    }
                }
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        float s = 0f;
                        for (int i = Math.max(0, y - rAvg), hi = Math.min(h - 1, y + rAvg); i <= hi; i++) {
                            s += rows[i * w + xx];
                        }
                        out[base + y * w + xx] = s * inverseArea;
                    }
                }
            }
        });
    }
}
