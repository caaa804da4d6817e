package dev.unmask.backend.cpu.kernels;

import java.util.Arrays;

/**
 * Nearest-neighbour upsampling of [planes, h, w] arrays by integer factors and its gradient, threaded over
 * input rows. The forward pass widens each input row once and copies it {@code scaleH} times; the backward
 * pass sums each {@code scaleH x scaleW} block in double, rows before columns, the order of the reference
 * backend, so both are bit-identical to it.
 */
public final class Upsampling {
    /** Below this many output elements one thread is faster than a hand-off to the pool. */
    private static final int PARALLEL_ELEMENTS = 1 << 15;

    private Upsampling() {
    }

    /** {@code out[p, i, j] = in[p, i / scaleH, j / scaleW]}; {@code out} is [planes, h * scaleH, w * scaleW]. */
    public static void forward(float[] in, int planes, int h, int w, int scaleH, int scaleW, float[] out) {
        int outW = w * scaleW;
        rows(planes * h, out.length, (start, end) -> {
            for (int row = start; row < end; row++) {
                int source = row * w;
                int first = row * scaleH * outW;
                if (scaleW == 1) {
                    System.arraycopy(in, source, out, first, w);
                } else {
                    for (int j = 0, o = first; j < w; j++) {
                        float v = in[source + j];
                        for (int k = 0; k < scaleW; k++) {
                            out[o++] = v;
                        }
                    }
                }
                for (int k = 1; k < scaleH; k++) {
                    System.arraycopy(out, first, out, first + k * outW, outW);
                }
            }
        });
    }

    /** {@code out[p, i, j] = sum of grad[p, i * scaleH + di, j * scaleW + dj]}; {@code out} is [planes, h, w]. */
    public static void backward(float[] grad, int planes, int h, int w, int scaleH, int scaleW, float[] out) {
        int gradW = w * scaleW;
        rows(planes * h, grad.length, (start, end) -> {
            double[] sums = new double[w];
            for (int row = start; row < end; row++) {
                Arrays.fill(sums, 0);
                for (int di = 0; di < scaleH; di++) {
                    int base = (row * scaleH + di) * gradW;
                    for (int j = 0, g = base; j < w; j++) {
                        double s = sums[j];
                        for (int dj = 0; dj < scaleW; dj++) {
                            s += grad[g++];
                        }
                        sums[j] = s;
                    }
                }
                for (int j = 0; j < w; j++) {
                    out[row * w + j] = (float) sums[j];
                }
            }
        });
    }

    private static void rows(int rows, int elements, ParallelFor.RangeBody body) {
        if (elements < PARALLEL_ELEMENTS) {
            body.run(0, rows);
        } else {
            ParallelFor.range(rows, body);
        }
    }
}
