package dev.unmask.models.pixelsnail;

import dev.unmask.autograd.Variable;
import dev.unmask.nn.Module;
import dev.unmask.nn.ParameterInit;

import java.util.List;

/**
 * rosinality's {@code PixelBlock} over [B, channel, H, W] features and the [B, 2, H, W] coordinate
 * background:
 * <pre>
 *   out = resblocks(x)                                        (causal gated residual blocks)
 *   key   = key_resblock([x', out, background])               (1x1 gated block, 2 channel + 2 wide)
 *   query = query_resblock([out, background])                 (1x1 gated block, channel + 2 wide)
 *   out = out_resblock(out, aux = causal_attention(query, key))
 * </pre>
 * where {@code x' = elu(x)} when there is at least one residual block (rosinality's first block applies
 * its ELU to the block input in place) and {@code x} otherwise. Without attention the block ends with
 * {@code out = conv([out, background])}, a 1x1 weight-normalised convolution named {@code out}.
 */
public final class PixelBlock extends Module {
    private final IndexedModules<GatedResBlock> resblocks = new IndexedModules<>();
    private final GatedResBlock keyResblock;
    private final GatedResBlock queryResblock;
    private final CausalAttention causalAttention;
    private final GatedResBlock outResblock;
    private final WeightNormConv2d out;

    public PixelBlock(int channel, int resChannel, int kernel, int resBlocks, boolean attention, double dropout,
                      int heads, ParameterInit init) {
        registerModule("resblocks", resblocks);
        for (int i = 0; i < resBlocks; i++) {
            resblocks.add(new GatedResBlock(channel, resChannel, kernel, GatedResBlock.Convolution.CAUSAL, dropout,
                    0, 0, init));
        }
        if (attention) {
            keyResblock = registerModule("key_resblock", new GatedResBlock(channel * 2 + 2, channel, 1,
                    GatedResBlock.Convolution.SAME, dropout, 0, 0, init));
            queryResblock = registerModule("query_resblock", new GatedResBlock(channel + 2, channel, 1,
                    GatedResBlock.Convolution.SAME, dropout, 0, 0, init));
            causalAttention = registerModule("causal_attention",
                    new CausalAttention(channel + 2, channel * 2 + 2, channel / 2, heads, init));
            outResblock = registerModule("out_resblock", new GatedResBlock(channel, channel, 1,
                    GatedResBlock.Convolution.SAME, dropout, channel / 2, 0, init));
            out = null;
        } else {
            keyResblock = null;
            queryResblock = null;
            causalAttention = null;
            outResblock = null;
            out = registerModule("out", WeightNormConv2d.same(channel + 2, channel, 1, init));
        }
    }

    /** {@code x} [B, channel, H, W] and {@code background} [B, 2, H, W] to [B, channel, H, W]. */
    public Variable forward(Variable x, Variable background) {
        return forward(x, background, CausalLayers.WHOLE_GRID);
    }

    /** {@link #forward(Variable, Variable)} with the causal layers run through {@code layers}. */
    Variable forward(Variable x, Variable background, CausalLayers layers) {
        Variable features = x;
        Variable keyInput = x;
        List<GatedResBlock> blocks = resblocks.list();
        for (int i = 0; i < blocks.size(); i++) {
            Variable activated = features.elu(1f);
            if (i == 0) {
                keyInput = activated;
            }
            features = blocks.get(i).forwardActivated(activated, null, null, layers);
        }
        if (causalAttention == null) {
            return out.forward(Variable.concat(List.of(features, background), 1));
        }
        Variable key = keyResblock.forward(Variable.concat(List.of(keyInput, features, background), 1));
        Variable query = queryResblock.forward(Variable.concat(List.of(features, background), 1));
        return outResblock.forward(features, layers.attend(causalAttention, query, key), null);
    }
}
