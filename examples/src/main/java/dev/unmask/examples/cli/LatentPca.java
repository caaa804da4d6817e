package dev.unmask.examples.cli;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.List;

/**
 * The first two principal components of latent vectors (the one-class VAEs' means), for a scatter plot. With
 * the centred points as the rows of X (n x d), the coordinates are u_k * sqrt(lambda_k) for the two largest
 * eigenvalues lambda_k of the Gram matrix X X^T and their unit eigenvectors u_k (EJML's symmetric eigen
 * decomposition), which equal the projections X v_k onto the covariance's principal axes v_k but need an
 * n x n matrix instead of a d x d one (a latent of 32 x 25 x 25 has d = 20000). The sign of each component is
 * fixed so that its largest coordinate in absolute value is positive.
 */
final class LatentPca {
    /**
     * The most points a plot projects: the Gram matrix is n x n and its decomposition takes n^3 steps, about a
     * second at 2000 points.
     */
    static final int MAX_POINTS = 2000;

    private LatentPca() {
    }

    /**
     * {x, y} coordinates of {@code points} (n >= 2 vectors of one length d >= 1) on the first two components; a
     * component that does not exist (d = 1, or fewer distinct points) is all zeros.
     */
    static double[][] project(List<float[]> points) {
        int n = points.size();
        if (n < 2) {
            throw new IllegalArgumentException("PCA needs at least 2 points, got " + n);
        }
        int d = points.get(0).length;
        double[] mean = new double[d];
        for (float[] p : points) {
            if (p.length != d) {
                throw new IllegalArgumentException("latent vectors of lengths " + d + " and " + p.length);
            }
            for (int j = 0; j < d; j++) {
                mean[j] += p[j];
            }
        }
        DMatrixRMaj x = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x.unsafe_set(i, j, points.get(i)[j] - mean[j] / n);
            }
        }
        DMatrixRMaj gram = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransB(x, x, gram);
        EigenDecomposition_F64<DMatrixRMaj> eigen = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eigen.decompose(gram)) {
            throw new IllegalStateException("the eigen decomposition of the " + n + " x " + n + " Gram matrix failed");
        }
        int[] order = largestTwo(eigen, n);
        double[][] out = new double[2][n];
        for (int k = 0; k < 2; k++) {
            double lambda = eigen.getEigenvalue(order[k]).getReal();
            if (!(lambda > 0)) {
                continue;
            }
            DMatrixRMaj u = eigen.getEigenVector(order[k]);
            double scale = Math.sqrt(lambda) / Math.sqrt(CommonOps_DDRM.elementSum(elementSquares(u)));
            int largest = 0;
            for (int i = 1; i < n; i++) {
                if (Math.abs(u.get(i)) > Math.abs(u.get(largest))) {
                    largest = i;
                }
            }
            double sign = u.get(largest) < 0 ? -1 : 1;
            for (int i = 0; i < n; i++) {
                out[k][i] = sign * scale * u.get(i);
            }
        }
        return out;
    }

    private static DMatrixRMaj elementSquares(DMatrixRMaj u) {
        DMatrixRMaj out = u.copy();
        CommonOps_DDRM.elementMult(out, u);
        return out;
    }

    private static int[] largestTwo(EigenDecomposition_F64<DMatrixRMaj> eigen, int n) {
        int first = -1;
        int second = -1;
        for (int i = 0; i < n; i++) {
            double v = eigen.getEigenvalue(i).getReal();
            if (first < 0 || v > eigen.getEigenvalue(first).getReal()) {
                second = first;
                first = i;
            } else if (second < 0 || v > eigen.getEigenvalue(second).getReal()) {
                second = i;
            }
        }
        return new int[] {first, second};
    }
}
