package dev.unmask.examples.cli;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link LatentPca} (Gram matrix, eigen decomposition) against the textbook PCA by the singular value
 * decomposition of the centred d-column data (a different decomposition of a different matrix): the scores
 * U_k s_k agree up to each component's sign.
 */
class LatentPcaTest {
    /** Both sides in double over 40 x 7 values; rounding far below this. */
    private static final double TOLERANCE = 1e-9;

    @Test
    void coordinatesEqualTheSvdScoresUpToSign() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 40;
        int d = 7;
        List<float[]> points = new ArrayList<>();
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            float[] p = new float[d];
            for (int j = 0; j < d; j++) {
                // decreasing spread per axis plus a shift, so the components are well separated
                p[j] = (float) (random.nextGaussian() * (d - j) * (j == 0 ? 3 : 1) + 5);
                mean[j] += p[j] / (double) n;
            }
            points.add(p);
        }
        DMatrixRMaj x = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x.set(i, j, points.get(i)[j] - mean[j]);
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(n, d, true, true, true);
        svd.decompose(x.copy());
        double[] s = svd.getSingularValues();
        DMatrixRMaj u = svd.getU(null, false);
        double[][] ours = LatentPca.project(points);
        for (int k = 0; k < 2; k++) {
            int column = rankOf(s, k);
            double sign = Math.signum(ours[k][0]) * Math.signum(u.get(0, column));
            for (int i = 0; i < n; i++) {
                assertEquals(sign * u.get(i, column) * s[column], ours[k][i], TOLERANCE * s[column], "component " + k + " point " + i);
            }
        }
    }

    /** The index of the singular value of rank {@code rank} (0 = largest). */
    private static int rankOf(double[] s, int rank) {
        Integer[] index = new Integer[s.length];
        for (int i = 0; i < s.length; i++) {
            index[i] = i;
        }
        java.util.Arrays.sort(index, (a, b) -> Double.compare(s[b], s[a]));
        return index[rank];
    }

    @Test
    void fewerThanTwoPointsAreRefusedAndConstantPointsGiveZeros() {
        assertThrows(IllegalArgumentException.class, () -> LatentPca.project(List.of(new float[] {1, 2})));
        double[][] flat = LatentPca.project(List.of(new float[] {1, 2}, new float[] {1, 2}, new float[] {1, 2}));
        for (double[] component : flat) {
            for (double v : component) {
                assertEquals(0, v, 1e-12);
            }
        }
    }
}
