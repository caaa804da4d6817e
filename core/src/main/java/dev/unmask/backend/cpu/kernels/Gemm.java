package dev.unmask.backend.cpu.kernels;

import java.util.Arrays;

/**
 * Single-threaded blocked matrix product on packed panels (the Goto/BLIS loop order): a KC x NC panel of
 * B is packed into strips of {@link FloatKernels#stripWidth()} columns, an MC x KC block of A into strips
 * of {@link FloatKernels#stripHeight()} rows, and the micro-kernel multiplies one strip pair into a
 * register tile of C. Operands are addressed through strides, so transposed and strided views (im2col
 * columns, codebook rows) are packed without first copying them. Callers thread over independent
 * products or row blocks.
 */
public final class Gemm {
    /** Depth of one packed panel: one A strip (KC x 4) and one B strip (KC x 48) stay in L1. */
    private static final int KC = 256;
    /** Rows of A packed at once (a multiple of every strip height), about 100 KiB: stays in L2. */
    private static final int MC = 96;
    /** Columns of B packed at once, at most 2 MiB: stays in L2/L3 while every A block passes over it. */
    private static final int NC = 2048;

    private static final ThreadLocal<float[][]> WORKSPACE = ThreadLocal.withInitial(() -> new float[2][0]);

    /**
     * Packs a block of B, rows {@code [row0, row0 + rows)} and columns {@code [col0, col0 + cols)}, into
     * strips of {@code width} columns: {@code out[(s * rows + p) * width + j] = B[row0 + p, col0 + s * width + j]},
     * zero past the last column. Lets a caller produce B on the fly (a convolution's columns straight from
     * the image) instead of materialising it.
     */
    @FunctionalInterface
    public interface PanelPacker {
        void pack(int row0, int rows, int col0, int cols, int width, float[] out);
    }

    private Gemm() {
    }

    /**
     * {@code C = A B} (or {@code C += A B} when {@code accumulate}) for an m x depth matrix A and a
     * depth x n matrix B, where {@code A[i, p] = a[aOff + i * aRowStride + p * aColStride]},
     * {@code B[p, j] = b[bOff + p * bRowStride + j * bColStride]} and
     * {@code C[i, j] = c[cOff + i * ldc + j]}. Modifies only the m x n block of {@code c}, which must not
     * overlap A or B.
     */
    public static void multiply(FloatKernels kernels, int m, int n, int depth,
                                float[] a, int aOff, int aRowStride, int aColStride,
                                float[] b, int bOff, int bRowStride, int bColStride,
                                float[] c, int cOff, int ldc, boolean accumulate) {
        multiply(kernels, m, n, depth, a, aOff, aRowStride, aColStride,
                (row0, rows, col0, cols, width, out) -> packB(b, bOff + row0 * bRowStride + col0 * bColStride,
                        bRowStride, bColStride, rows, cols, width, out),
                c, cOff, ldc, accumulate);
    }

    /**
     * {@code C = A B} (or {@code C += A B}) as {@link #multiply(FloatKernels, int, int, int, float[], int, int, int,
     * float[], int, int, int, float[], int, int, boolean)}, with B given by the blocks {@code packer} packs.
     */
    public static void multiply(FloatKernels kernels, int m, int n, int depth,
                                float[] a, int aOff, int aRowStride, int aColStride, PanelPacker packer,
                                float[] c, int cOff, int ldc, boolean accumulate) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
        }
        if (m == 0 || n == 0 || depth == 0) {
            return;
        }
        int w = kernels.stripWidth();
        int h = kernels.stripHeight();
        float[][] ws = WORKSPACE.get();
        int bNeed = KC * roundUp(Math.min(n, NC), w);
        int aNeed = KC * roundUp(Math.min(m, MC), h);
        if (ws[0].length < aNeed) {
            ws[0] = new float[aNeed];
        }
        if (ws[1].length < bNeed) {
            ws[1] = new float[bNeed];
        }
        float[] packedA = ws[0];
        float[] packedB = ws[1];
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < depth; pc += KC) {
                int kc = Math.min(KC, depth - pc);
                packer.pack(pc, kc, jc, nc, w, packedB);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(a, aOff + ic * aRowStride + pc * aColStride, aRowStride, aColStride, mc, kc, h, packedA);
                    for (int jr = 0; jr < nc; jr += w) {
                        int cols = Math.min(w, nc - jr);
                        int bStrip = (jr / w) * kc * w;
                        for (int ir = 0; ir < mc; ir += h) {
                            int rows = Math.min(h, mc - ir);
                            kernels.microKernel(kc, packedA, (ir / h) * kc * h, packedB, bStrip,
                                    c, cOff + (ic + ir) * ldc + jc + jr, ldc, rows, cols);
                        }
                    }
                }
            }
        }
    }

    /** Packs a kc x nc block of B into strips of width w: {@code out[(s * kc + p) * w + j]}, zero-padded. */
    static void packB(float[] b, int off, int rowStride, int colStride, int kc, int nc, int w, float[] out) {
        for (int j0 = 0, s = 0; j0 < nc; j0 += w, s++) {
            int cols = Math.min(w, nc - j0);
            int base = s * kc * w;
            for (int p = 0; p < kc; p++) {
                int src = off + p * rowStride + j0 * colStride;
                int dst = base + p * w;
                if (colStride == 1) {
                    System.arraycopy(b, src, out, dst, cols);
                } else {
                    for (int j = 0; j < cols; j++) {
                        out[dst + j] = b[src + j * colStride];
                    }
                }
                if (cols < w) {
                    Arrays.fill(out, dst + cols, dst + w, 0f);
                }
            }
        }
    }

    /** Packs an mc x kc block of A into strips of height h: {@code out[(s * kc + p) * h + r]}, zero-padded. */
    private static void packA(float[] a, int off, int rowStride, int colStride, int mc, int kc, int h, float[] out) {
        for (int i0 = 0, s = 0; i0 < mc; i0 += h, s++) {
            int rows = Math.min(h, mc - i0);
            int base = s * kc * h;
            for (int r = 0; r < h; r++) {
                if (r >= rows) {
                    for (int p = 0; p < kc; p++) {
                        out[base + p * h + r] = 0f;
                    }
                    continue;
                }
                int src = off + (i0 + r) * rowStride;
                for (int p = 0; p < kc; p++) {
                    out[base + p * h + r] = a[src + p * colStride];
                }
            }
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
