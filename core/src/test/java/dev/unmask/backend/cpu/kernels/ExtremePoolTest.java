package dev.unmask.backend.cpu.kernels;

import dev.unmask.backend.cpu.CpuBackend;
import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.ops.Pool2dParams;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ExtremePool} through {@link CpuBackend} against {@link ReferenceBackend}'s window lists, bit for bit:
 * awkward plane counts and sides (1, 13, 31, 33), windows that tile, overlap, pad and leave a remainder,
 * and data shaped to catch the rules: ties everywhere (few levels), NaN and infinities inside windows,
 * windows whose extreme is a zero of either sign, constant planes.
 */
class ExtremePoolTest {
    private static final Pool2dParams[] GEOMETRIES = {
            Pool2dParams.of(2, 2, 0), Pool2dParams.of(4, 4, 0), Pool2dParams.of(3, 1, 1), Pool2dParams.of(3, 2, 1),
            new Pool2dParams(3, 2, 2, 1, 1, 0, false), Pool2dParams.of(1, 1, 0), new Pool2dParams(2, 5, 3, 2, 1, 2, true)};
    private static final int[][] SHAPES = {{1, 1, 1, 1}, {1, 13, 13, 31}, {2, 3, 31, 33}, {3, 1, 33, 13}, {1, 2, 4, 4}};

    private final ReferenceBackend reference = new ReferenceBackend();
    private final CpuBackend cpu = new CpuBackend();

    private enum Data { LEVELS, SPECIAL, ZEROS, CONSTANT }

    @Test
    void poolingAndItsGradientEqualTheReference() {
        SplittableRandom random = new SplittableRandom(13);
        int checked = 0;
        for (int[] dims : SHAPES) {
            for (Data data : Data.values()) {
                float[] x = data(random, Shape.of(dims).numel(), data);
                for (Pool2dParams p : GEOMETRIES) {
                    if (p.kernelH() > dims[2] + 2 * p.padH() || p.kernelW() > dims[3] + 2 * p.padW()) {
                        continue;
                    }
                    Tensor xr = reference.fromFloats(x, Shape.of(dims));
                    Tensor xc = cpu.fromFloats(x, Shape.of(dims));
                    String what = data + " " + Shape.of(dims) + " " + p;
                    Tensor max = reference.maxPool2d(xr, p);
                    assertArrayEquals(max.toFloatArray(), cpu.maxPool2d(xc, p).toFloatArray(), "maxPool2d " + what);
                    assertArrayEquals(reference.minPool2d(xr, p).toFloatArray(), cpu.minPool2d(xc, p).toFloatArray(),
                            "minPool2d " + what);
                    float[] g = new float[max.numel()];
                    for (int i = 0; i < g.length; i++) {
                        g[i] = (float) (random.nextDouble() * 2 - 1);
                    }
                    Tensor gr = reference.fromFloats(g, max.shape());
                    Tensor gc = cpu.fromFloats(g, max.shape());
                    assertArrayEquals(reference.maxPool2dBackward(xr, gr, p).toFloatArray(),
                            cpu.maxPool2dBackward(xc, gc, p).toFloatArray(), "maxPool2dBackward " + what);
                    checked++;
                }
            }
        }
        assertTrue(checked >= 80, checked + " cases");
    }

    /**
     * Levels 0..3 (ties in nearly every window), or the same with NaN and infinities sprinkled in, or -0, +0 and
     * +-1 (the first extreme decides which zero a window gives), or a constant.
     */
    private static float[] data(SplittableRandom random, int n, Data kind) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (kind) {
                case LEVELS -> random.nextInt(4) - 1.5f;
                case CONSTANT -> -2f;
                case ZEROS -> new float[] {-0f, 0f, -1f, 1f}[random.nextInt(4)];
                case SPECIAL -> switch (random.nextInt(12)) {
                    case 0 -> Float.NaN;
                    case 1 -> Float.POSITIVE_INFINITY;
                    case 2 -> Float.NEGATIVE_INFINITY;
                    default -> random.nextInt(4) - 1.5f;
                };
            };
        }
        return x;
    }
}
