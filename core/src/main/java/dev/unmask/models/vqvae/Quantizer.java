package dev.unmask.models.vqvae;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.models.vqvae.VqVaeConfig.CodebookMode;
import dev.unmask.nn.Module;
import dev.unmask.nn.Parameter;
import dev.unmask.nn.ParameterInit;
import dev.unmask.ops.BinaryOp;
import dev.unmask.ops.ReduceOp;
import dev.unmask.ops.VqStatistics;
import dev.unmask.random.Seeds;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.Arrays;

/**
 * Vector quantiser with a codebook {@code embed} [D, K] (column k is code k), rosinality's layout.
 *
 * <p>EMA mode: {@code embed}, {@code cluster_size} [K] and {@code embed_avg} [D, K] are buffers. After the
 * assignment of a train-mode forward, with n_k the vectors assigned to code k and s_k their sum:
 * <pre>
 *   cluster_size = decay * cluster_size + (1 - decay) * n_k
 *   embed_avg    = decay * embed_avg    + (1 - decay) * s_k
 *   n            = sum(cluster_size)
 *   smoothed_k   = (cluster_size_k + eps) / (n + K * eps) * n        (Laplace smoothing)
 *   embed[:, k]  = embed_avg[:, k] / smoothed_k
 * </pre>
 * The forward's outputs use the codebook as it was before the update. LOSS mode: {@code embed} is a
 * parameter, learned through the codebook term; there are no buffers.
 *
 * <p>Dead-code restarts (EMA mode, off unless {@link #restartCodesBelow} sets a threshold; rosinality has
 * none): after the update, every code whose {@code cluster_size} fell below the threshold is moved onto a
 * vector of the current batch, drawn without replacement, with {@code cluster_size} 1 and
 * {@code embed_avg} that vector (so the code starts where data is and in use). Without them most of the
 * codebook dies early in training and the grids use a few codes. The draws are counter-based on the key
 * the trainer gives every step ({@link Module#reseed}), so a resumed run restarts the same codes.
 */
public final class Quantizer extends Module {
    private static final String EMBED = "embed";
    private static final String CLUSTER_SIZE = "cluster_size";
    private static final String EMBED_AVG = "embed_avg";

    private final VqVaeConfig config;
    private final Parameter embedParameter;
    private float restartThreshold;
    private long restartKey;
    private long restartCalls;

    /** A codebook drawn N(0, 1) (as PyTorch's randn), cluster sizes 1, embed_avg a copy of the codebook. */
    Quantizer(VqVaeConfig config, ParameterInit init) {
        this.config = config;
        // rows [K, D] drawn N(0, 1) as an embedding table is, the distribution of rosinality's randn codebook
        Tensor rows = init.normal(Shape.of(config.codes(), config.embedDim()));
        Backend b = init.backend();
        Tensor initial = b.permute(rows, 1, 0);
        if (config.codebook() == CodebookMode.EMA) {
            embedParameter = null;
            registerBuffer(EMBED, initial);
            registerBuffer(CLUSTER_SIZE, b.full(Shape.of(config.codes()), DType.F32, 1f));
            registerBuffer(EMBED_AVG, b.permute(rows, 1, 0));
        } else {
            embedParameter = registerParameter(EMBED, new Parameter(initial));
        }
    }

    /**
     * Turns on dead-code restarts for training in EMA mode: codes whose EMA cluster size is below
     * {@code threshold} after an update are moved onto batch vectors (see the class comment); 0 turns them
     * off. With the decay 0.99 a code that gets no vector decays from 1 to 0.5 in 69 steps. The threshold is
     * a training setting, not saved state: a run resumed from a checkpoint must set it again.
     */
    public void restartCodesBelow(float threshold) {
        if (!(threshold >= 0) || Float.isInfinite(threshold)) {
            throw new IllegalArgumentException("quantize: restart threshold must be finite and >= 0, got " + threshold);
        }
        if (threshold > 0 && embedParameter != null) {
            throw new IllegalArgumentException("quantize: dead-code restarts need the EMA codebook mode");
        }
        restartThreshold = threshold;
    }

    @Override
    protected void reseedSelf(long key) {
        restartKey = key;
        restartCalls = 0;
    }

    /** The codebook [D, K], the live tensor (EMA updates replace it; do not modify it). */
    public Tensor embed() {
        return embedParameter != null ? embedParameter.value() : buffer(EMBED);
    }

    /** The codebook as rows [K, D], a copy. */
    public Tensor codebookRows() {
        Tensor e = embed();
        return Backend.of(e).permute(e, 1, 0);
    }

    /** Index of the nearest code of each row of {@code vectors} [N, D] (ties to the lowest): I32 [N]. */
    public Tensor nearest(Tensor vectors) {
        return Backend.of(vectors).vqNearest(vectors, codebookRows());
    }

    /**
     * Quantises {@code z} [..., D] (channels last). In EMA mode and training mode it then updates the
     * codebook buffers (see the class comment).
     */
    public QuantizerOutput forward(Variable z) {
        int d = config.embedDim();
        if (z.rank() < 2 || z.dim(z.rank() - 1) != d) {
            throw new IllegalArgumentException("quantize: expected vectors [..., " + d + "], got " + z.shape());
        }
        Backend b = Backend.of(z.value());
        int[] dims = z.shape().dims();
        Shape gridShape = Shape.of(Arrays.copyOf(dims, dims.length - 1));
        Tensor flat = z.value().reshape(gridShape.numel(), d);
        Tensor rows = codebookRows();
        Tensor codes = b.vqNearest(flat, rows);
        Tensor grid = codes.reshape(gridShape);
        VqStatistics statistics = b.vqEmaStatistics(flat, codes, config.codes());
        Variable quantized = embedParameter != null
                ? embedParameter.permute(1, 0).gather(grid)
                : Variable.constant(b.gather(rows, grid));
        Variable commitment = quantized.detach().sub(z).square().mean();
        Variable codebookLoss = embedParameter != null ? quantized.sub(z.detach()).square().mean() : null;
        if (embedParameter == null && isTraining()) {
            updateEma(statistics, flat);
        }
        return new QuantizerOutput(z.straightThrough(quantized), grid, commitment, codebookLoss, statistics.counts());
    }

    private void updateEma(VqStatistics statistics, Tensor vectors) {
        Backend b = Backend.of(statistics.counts());
        float decay = config.decay();
        float eps = config.epsilon();
        Tensor clusterSize = movingAverage(b, buffer(CLUSTER_SIZE), statistics.counts(), decay);
        Tensor embedAvg = movingAverage(b, buffer(EMBED_AVG), b.permute(statistics.sums(), 1, 0), decay);
        if (restartThreshold > 0) {
            Tensor[] restarted = restartDeadCodes(b, clusterSize, embedAvg, vectors);
            clusterSize = restarted[0];
            embedAvg = restarted[1];
        }
        Tensor n = b.reduce(ReduceOp.SUM, clusterSize, new int[0], false);
        Tensor smoothed = b.binary(BinaryOp.MUL,
                b.binary(BinaryOp.DIV, b.binary(BinaryOp.ADD, clusterSize, scalar(b, eps)),
                        b.binary(BinaryOp.ADD, n, scalar(b, config.codes() * eps))),
                n);
        setBuffer(CLUSTER_SIZE, clusterSize);
        setBuffer(EMBED_AVG, embedAvg);
        setBuffer(EMBED, b.binary(BinaryOp.DIV, embedAvg, smoothed));
    }

    /**
     * {clusterSize, embedAvg} with every code below the threshold moved onto a distinct random row of
     * {@code vectors} [N, D] (at most N codes per call, the lowest indices first).
     */
    private Tensor[] restartDeadCodes(Backend b, Tensor clusterSize, Tensor embedAvg, Tensor vectors) {
        float[] sizes = clusterSize.toFloatArray();
        int codes = config.codes();
        int dim = config.embedDim();
        int n = vectors.dim(0);
        long stream = Seeds.derive(restartKey, restartCalls++);
        float[] avg = null;
        float[] z = null;
        int[] order = null;
        int taken = 0;
        for (int k = 0; k < codes && taken < n; k++) {
            if (!(sizes[k] < restartThreshold)) {
                continue;
            }
            if (avg == null) {
                avg = embedAvg.toFloatArray();
                z = vectors.toFloatArray();
                order = new int[n];
                Arrays.setAll(order, i -> i);
            }
            // a partial Fisher-Yates shuffle: draw number `taken` picks among the rows not yet taken
            int pick = taken + (int) Long.remainderUnsigned(Seeds.mix(stream + (taken + 1L) * Seeds.GOLDEN_GAMMA),
                    n - taken);
            int row = order[pick];
            order[pick] = order[taken];
            order[taken++] = row;
            sizes[k] = 1f;
            for (int d = 0; d < dim; d++) {
                avg[d * codes + k] = z[row * dim + d];
            }
        }
        if (avg == null) {
            return new Tensor[] {clusterSize, embedAvg};
        }
        return new Tensor[] {b.fromFloats(sizes, clusterSize.shape()), b.fromFloats(avg, embedAvg.shape())};
    }

    /** {@code decay * average + (1 - decay) * value}. */
    private static Tensor movingAverage(Backend b, Tensor average, Tensor value, float decay) {
        return b.binary(BinaryOp.ADD, b.binary(BinaryOp.MUL, average, scalar(b, decay)),
                b.binary(BinaryOp.MUL, value, scalar(b, 1 - decay)));
    }

    private static Tensor scalar(Backend b, float value) {
        return b.full(Shape.scalar(), DType.F32, value);
    }
}
