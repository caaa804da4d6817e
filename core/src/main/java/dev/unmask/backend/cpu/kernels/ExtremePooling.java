package dev.unmask.backend.cpu.kernels;

import dev.unmask.ops.Pool2dParams;

import java.util.Arrays;

/**
 * Max and min pooling over [planes, h, w] arrays and max pooling's gradient, threaded over planes, with the
 * reference backend's choices: a window's winner is its first extreme element in raster order over the real
 * (not padded) positions, a NaN wins at once, and the gradient of overlapping windows accumulates in double
 * in output order before one rounding, so results are bit-identical to the reference. Each window is scanned
 * in place, where the reference lists its positions first.
 */
public final class ExtremePooling {
    /** Below this many window elements one thread is faster than a hand-off to the pool. */
    private static final long PARALLEL_WORK = 1 << 15;

    private ExtremePooling() {
    }

    /** {@code out[p, oy, ox]} = the max (or min) of window (oy, ox) of plane p; {@code out} is [planes, oh, ow]. */
    public static void pool(float[] in, int planes, int h, int w, Pool2dParams p, boolean max, float[] out) {
        int oh = p.outputH(h);
        int ow = p.outputW(w);
        planes(planes, (long) out.length * p.kernelH() * p.kernelW(), (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        out[(plane * oh + oy) * ow + ox] = in[winner(in, plane * h * w, h, w, p, oy, ox, max)];
                    }
                }
            }
        });
    }

    /** Max pooling's input gradient: each output's gradient added at its window's winner; {@code out} is [planes, h, w]. */
    public static void maxBackward(float[] in, float[] gradOut, int planes, int h, int w, Pool2dParams p, float[] out) {
        int oh = p.outputH(h);
        int ow = p.outputW(w);
        planes(planes, (long) gradOut.length * p.kernelH() * p.kernelW(), (start, end) -> {
            double[] sums = new double[h * w];
            for (int plane = start; plane < end; plane++) {
                Arrays.fill(sums, 0);
                int base = plane * h * w;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        sums[winner(in, base, h, w, p, oy, ox, true) - base] += gradOut[(plane * oh + oy) * ow + ox];
                    }
                }
                for (int i = 0; i < sums.length; i++) {
                    out[base + i] = (float) sums[i];
                }
            }
        });
    }

    /** Flat index into {@code in} of the first extreme of window (oy, ox) of the plane at {@code base}. */
    private static int winner(float[] in, int base, int h, int w, Pool2dParams p, int oy, int ox, boolean max) {
        int y0 = oy * p.strideH() - p.padH();
        int x0 = ox * p.strideW() - p.padW();
        int yLo = Math.max(y0, 0);
        int yHi = Math.min(y0 + p.kernelH(), h);
        int xLo = Math.max(x0, 0);
        int xHi = Math.min(x0 + p.kernelW(), w);
        int best = base + yLo * w + xLo;
        float b = in[best];
        for (int y = yLo; y < yHi && !Float.isNaN(b); y++) {
            for (int x = y == yLo ? xLo + 1 : xLo; x < xHi; x++) {
                int i = base + y * w + x;
                float v = in[i];
                if (Float.isNaN(v) || (max ? v > b : v < b)) {
                    best = i;
                    b = v;
                    if (Float.isNaN(v)) {
                        break;
                    }
                }
            }
        }
        return best;
    }

    private static void planes(int planes, long work, ParallelFor.RangeBody body) {
        if (work < PARALLEL_WORK) {
            body.run(0, planes);
        } else {
            ParallelFor.range(planes, body);
        }
    }
}
