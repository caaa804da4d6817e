package dev.unmask.models.vqvae;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.models.vqvae.VqVaeConfig.CodebookMode;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dead-code restarts of the EMA quantiser: the hand case, the effect on codebook use, determinism, refusals. */
class QuantizerRestartTest {
    private static final Backend B = Backends.defaultBackend();
    private static final double DECAY = 0.99;
    private static final double EPS = 1e-5;
    private static final double TOLERANCE = 1e-4;

    /** D = 2, K = 4: codes 0 and 1 in use, codes 2 and 3 with cluster sizes that decay below 0.5. */
    private static Quantizer handQuantizer(float threshold) {
        Quantizer q = new Quantizer(VqVaeConfig.of(1, 2, 0, 1, 2, 4, 4), new ParameterInit(Backends.defaultBackend(), 1));
        q.loadStateDict(Map.of(
                "embed", B.fromFloats(new float[] {0, 10, 50, 60, 0, 10, 50, 60}, Shape.of(2, 4)),
                "cluster_size", B.fromFloats(new float[] {5, 5, 0.3f, 0.6f}, Shape.of(4)),
                "embed_avg", B.fromFloats(new float[] {0, 50, 15, 36, 0, 50, 15, 36}, Shape.of(2, 4))));
        q.restartCodesBelow(threshold);
        q.train();
        return q;
    }

    private static final float[] HAND_VECTORS = {1, 0, 2, 1, 9, 9, 11, 10, 3, 1};

    private static Map<String, Tensor> step(Quantizer q, long key, float[] vectors) {
        q.reseed(key);
        q.forward(Variable.constant(B.fromFloats(vectors, Shape.of(vectors.length / 2, 2))));
        return q.stateDict();
    }

    @Test
    void deadCodesMoveOntoDistinctBatchVectorsAndLiveCodesFollowTheEmaFormulas() {
        Map<String, Tensor> state = step(handQuantizer(0.5f), 42, HAND_VECTORS);
        float[] size = state.get("cluster_size").toFloatArray();
        float[] avg = state.get("embed_avg").toFloatArray();
        float[] embed = state.get("embed").toFloatArray();
        // live codes: code 0 gets (1,0), (2,1), (3,1); code 1 gets (9,9), (11,10)
        double[] expectedSize = {DECAY * 5 + (1 - DECAY) * 3, DECAY * 5 + (1 - DECAY) * 2, 1,
                DECAY * 0.6 /* 0.594: above the threshold, kept */};
        double[][] expectedAvg = {
                {(1 - DECAY) * 6, (1 - DECAY) * 2},
                {DECAY * 50 + (1 - DECAY) * 20, DECAY * 50 + (1 - DECAY) * 19},
                null,
                {DECAY * 36, DECAY * 36}};
        for (int k : new int[] {0, 1, 3}) {
            assertEquals(expectedSize[k], size[k], TOLERANCE, "cluster_size " + k);
            assertEquals(expectedAvg[k][0], avg[k], TOLERANCE, "embed_avg[0] " + k);
            assertEquals(expectedAvg[k][1], avg[4 + k], TOLERANCE, "embed_avg[1] " + k);
        }
        // code 2 (0.297 after the decay) restarted: size 1, embed_avg one of the batch's vectors
        assertEquals(1f, size[2]);
        float[] moved = {avg[2], avg[6]};
        boolean isBatchVector = false;
        for (int v = 0; v < HAND_VECTORS.length / 2; v++) {
            isBatchVector |= Arrays.equals(moved, new float[] {HAND_VECTORS[2 * v], HAND_VECTORS[2 * v + 1]});
        }
        assertTrue(isBatchVector, "code 2 was moved onto " + Arrays.toString(moved) + ", not a batch vector");
        double n = expectedSize[0] + expectedSize[1] + 1 + expectedSize[3];
        double smoothed = (1 + EPS) / (n + 4 * EPS) * n;
        assertEquals(moved[0] / smoothed, embed[2], TOLERANCE);
        assertEquals(moved[1] / smoothed, embed[6], TOLERANCE);
    }

    @Test
    void withoutAThresholdOrInEvaluationNothingIsRestarted() {
        Map<String, Tensor> off = step(handQuantizer(0), 42, HAND_VECTORS);
        assertEquals(DECAY * 0.3, off.get("cluster_size").toFloatArray()[2], TOLERANCE);
        assertEquals(DECAY * 15, off.get("embed_avg").toFloatArray()[2], TOLERANCE);

        Quantizer evaluating = handQuantizer(0.5f);
        evaluating.eval();
        Map<String, Tensor> before = evaluating.stateDict();
        Map<String, Tensor> after = step(evaluating, 42, HAND_VECTORS);
        for (String name : before.keySet()) {
            assertArrayEquals(before.get(name).toFloatArray(), after.get(name).toFloatArray(), name);
        }
    }

    @Test
    void theDrawsDependOnTheKeyAloneSoAResumedRunRestartsTheSameCodes() {
        // eight dead codes and eight vectors: which vector each code gets is a permutation drawn from the key
        float[] vectors = new float[16];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = i;
        }
        float[] first = step(deadQuantizer(), 7, vectors).get("embed_avg").toFloatArray();
        float[] again = step(deadQuantizer(), 7, vectors).get("embed_avg").toFloatArray();
        assertArrayEquals(first, again);
        Set<String> permutations = new HashSet<>();
        for (long key = 0; key < 8; key++) {
            float[] avg = step(deadQuantizer(), key, vectors).get("embed_avg").toFloatArray();
            float[] firstRow = Arrays.copyOf(avg, 8);
            float[] sorted = firstRow.clone();
            Arrays.sort(sorted);
            // each vector taken once: the first coordinates are 0, 2, ..., 14 in some order
            assertArrayEquals(new float[] {0, 2, 4, 6, 8, 10, 12, 14}, sorted, "key " + key);
            permutations.add(Arrays.toString(firstRow));
        }
        assertTrue(permutations.size() > 4, "eight keys gave only " + permutations.size() + " different draws");
    }

    private static Quantizer deadQuantizer() {
        Quantizer q = new Quantizer(VqVaeConfig.of(1, 2, 0, 1, 2, 8, 4), new ParameterInit(Backends.defaultBackend(), 3));
        float[] zeros = new float[8];
        q.loadStateDict(Map.of("embed", B.fromFloats(new float[16], Shape.of(2, 8)),
                "cluster_size", B.fromFloats(zeros, Shape.of(8)),
                "embed_avg", B.fromFloats(new float[16], Shape.of(2, 8))));
        q.restartCodesBelow(0.5f);
        q.train();
        return q;
    }

    @Test
    void restartsReviveACollapsedCodebookThatStaysCollapsedWithoutThem() {
        int clusters = 16;
        // without restarts the codes left at the origin take over one by one, as the used ones move away
        int without = codesUsedAfterTraining(0, clusters);
        int with = codesUsedAfterTraining(0.5f, clusters);
        assertTrue(without <= clusters / 2, "without restarts the codes cover " + without + " of " + clusters);
        // random restarts can put two codes in one blob and leave another empty for a while: not all 16
        assertTrue(with >= 10 && with >= 2 * without, "with restarts the codes cover " + with + " of " + clusters + " clusters");
    }

    /**
     * Trains a quantiser (D = 2, K = clusters) whose codes all start at the origin (cluster sizes 1) on batches from
     * {@code clusters} well separated blobs, 150 steps, then counts the codes the blob centres map to.
     */
    private static int codesUsedAfterTraining(float threshold, int clusters) {
        Quantizer q = new Quantizer(VqVaeConfig.of(1, 2, 0, 1, 2, clusters, 4), new ParameterInit(Backends.defaultBackend(), 5));
        q.loadStateDict(Map.of("embed", B.fromFloats(new float[2 * clusters], Shape.of(2, clusters)),
                "cluster_size", B.full(Shape.of(clusters), dev.unmask.tensor.DType.F32, 1f),
                "embed_avg", B.fromFloats(new float[2 * clusters], Shape.of(2, clusters))));
        q.restartCodesBelow(threshold);
        q.train();
        SplittableRandom data = new SplittableRandom(11);
        int batch = 64;
        for (int s = 0; s < 150; s++) {
            float[] v = new float[2 * batch];
            for (int i = 0; i < batch; i++) {
                int c = data.nextInt(clusters);
                v[2 * i] = 100 * (c % 4) + (float) data.nextGaussian();
                v[2 * i + 1] = 100 * (c / 4) + (float) data.nextGaussian();
            }
            q.reseed(s);
            q.forward(Variable.constant(B.fromFloats(v, Shape.of(batch, 2))));
        }
        float[] centres = new float[2 * clusters];
        for (int c = 0; c < clusters; c++) {
            centres[2 * c] = 100 * (c % 4);
            centres[2 * c + 1] = 100 * (c / 4);
        }
        int[] codes = q.nearest(B.fromFloats(centres, Shape.of(clusters, 2))).toIntArray();
        return (int) Arrays.stream(codes).distinct().count();
    }

    @Test
    void badThresholdsAndTheLossModeAreRefused() {
        Quantizer ema = new Quantizer(VqVaeConfig.of(1, 2, 0, 1, 2, 4, 4), new ParameterInit(Backends.defaultBackend(), 1));
        assertThrows(IllegalArgumentException.class, () -> ema.restartCodesBelow(-1));
        assertThrows(IllegalArgumentException.class, () -> ema.restartCodesBelow(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> ema.restartCodesBelow(Float.POSITIVE_INFINITY));
        Quantizer loss = new Quantizer(VqVaeConfig.of(1, 2, 0, 1, 2, 4, 4).withCodebook(CodebookMode.LOSS),
                new ParameterInit(Backends.defaultBackend(), 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loss.restartCodesBelow(0.5f));
        assertTrue(e.getMessage().contains("EMA"), e.getMessage());
        loss.restartCodesBelow(0);
        assertNotEquals(null, loss.embed());
    }
}
