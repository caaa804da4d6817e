package dev.unmask.models.pixelsnail;

import dev.unmask.autograd.Variable;
import dev.unmask.nn.Linear;
import dev.unmask.nn.Module;
import dev.unmask.nn.ParameterInit;
import dev.unmask.nn.WeightNorm;

/**
 * rosinality's {@code CausalAttention} over the raster order of an H x W grid (L = H W positions):
 * weight-normalised linear maps {@code query} (from the query features), {@code key} and {@code value}
 * (both from the key features) to {@code channel} features split into {@code heads} heads of
 * {@code channel / heads}; position i attends to positions j &lt; i with
 * {@code softmax_j(q_i . k_j / sqrt(channel / heads))}, and position 0 gets zero. Computed by the fused
 * causal attention op, which never forms the L x L matrix.
 *
 * <p>Deviation: rosinality applies dropout to the attention probabilities; the fused op has none, so in
 * training this layer drops nothing (evaluation, and any training with dropout 0, are identical).
 */
public final class CausalAttention extends Module {
    private final int queryChannels;
    private final int keyChannels;
    private final int channel;
    private final int heads;
    private final Linear query;
    private final Linear key;
    private final Linear value;

    public CausalAttention(int queryChannels, int keyChannels, int channel, int heads, ParameterInit init) {
        if (channel % heads != 0) {
            throw new IllegalArgumentException("CausalAttention: " + channel + " channels do not split into "
                    + heads + " heads");
        }
        this.queryChannels = queryChannels;
        this.keyChannels = keyChannels;
        this.channel = channel;
        this.heads = heads;
        this.query = registerModule("query", WeightNorm.apply(new Linear(queryChannels, channel, true, init)));
        this.key = registerModule("key", WeightNorm.apply(new Linear(keyChannels, channel, true, init)));
        this.value = registerModule("value", WeightNorm.apply(new Linear(keyChannels, channel, true, init)));
    }

    /**
     * @param queryFeatures [B, queryChannels, H, W]
     * @param keyFeatures   [B, keyChannels, H, W]
     * @return [B, channel, H, W]
     */
    public Variable forward(Variable queryFeatures, Variable keyFeatures) {
        if (queryFeatures.rank() != 4 || keyFeatures.rank() != 4 || queryFeatures.dim(1) != queryChannels
                || keyFeatures.dim(1) != keyChannels || queryFeatures.dim(0) != keyFeatures.dim(0)
                || queryFeatures.dim(2) != keyFeatures.dim(2) || queryFeatures.dim(3) != keyFeatures.dim(3)) {
            throw new IllegalArgumentException("CausalAttention: expected query [B, " + queryChannels
                    + ", H, W] and key [B, " + keyChannels + ", H, W], got " + queryFeatures.shape() + " and " + keyFeatures.shape());
        }
        Variable[] keysAndValues = keysAndValues(keyFeatures);
        Variable out = attend(queries(queryFeatures), keysAndValues[0], keysAndValues[1]);
        return mergeHeads(out, keyFeatures.dim(2), keyFeatures.dim(3));
    }

    /** Query features [B, queryChannels, H, W] to the queries [B, heads, H W, channel / heads]. */
    Variable queries(Variable queryFeatures) {
        return splitHeads(query.forward(rows(queryFeatures)));
    }

    /** Key features [B, keyChannels, H, W] to the keys and the values, each [B, heads, H W, channel / heads]. */
    Variable[] keysAndValues(Variable keyFeatures) {
        Variable keyRows = rows(keyFeatures);
        return new Variable[] {splitHeads(key.forward(keyRows)), splitHeads(value.forward(keyRows))};
    }

    /** The attention of query i to keys j &lt; i, [B, heads, L, channel / heads], all three of length L. */
    Variable attend(Variable q, Variable k, Variable v) {
        float scale = (float) (1 / Math.sqrt(channel / heads));
        return Variable.causalAttention(q, k, v, scale);
    }

    /** The output of {@link #attend} over an H x W band of positions back to [B, channel, H, W]. */
    Variable mergeHeads(Variable out, int height, int width) {
        return out.permute(0, 2, 1, 3).reshape(out.dim(0), height, width, channel).permute(0, 3, 1, 2);
    }

    /** [B, C, H, W] to [B, H W, C]: one row per position in raster order. */
    private static Variable rows(Variable x) {
        return x.reshape(x.dim(0), x.dim(1), x.dim(2) * x.dim(3)).permute(0, 2, 1);
    }

    /** [B, L, channel] to [B, heads, L, channel / heads]. */
    private Variable splitHeads(Variable x) {
        return x.reshape(x.dim(0), x.dim(1), heads, channel / heads).permute(0, 2, 1, 3);
    }
}
