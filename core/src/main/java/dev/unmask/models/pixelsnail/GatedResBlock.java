package dev.unmask.models.pixelsnail;

import dev.unmask.autograd.Variable;
import dev.unmask.nn.Dropout;
import dev.unmask.nn.GLU;
import dev.unmask.nn.Layer;
import dev.unmask.nn.ParameterInit;

/**
 * rosinality's {@code GatedResBlock} over [B, in, H, W]:
 * <pre>
 *   a   = elu(x)
 *   h   = conv1(a) [+ aux_conv(elu(aux))]
 *   h   = conv2(dropout(elu(h))) [+ condition(c)]     (2 * in channels)
 *   out = glu(h) + a
 * </pre>
 * The residual adds {@code elu(x)}, not {@code x}: rosinality's ELU runs in place on the input, so by the
 * time its {@code out += input} runs the input holds {@code elu(x)}; weights trained there expect this.
 * Children: {@code conv1}, {@code aux_conv} (1x1, only with auxiliary channels), {@code dropout},
 * {@code conv2}, {@code condition} (1x1 without bias, only with condition channels), {@code gate}.
 */
public final class GatedResBlock extends Layer {
    /** The convolutions of the block: same-padded, or causal with 'causal' padding. */
    public enum Convolution { SAME, CAUSAL }

    private final int in;
    private final Layer conv1;
    private final WeightNormConv2d auxConv;
    private final Dropout dropout;
    private final Layer conv2;
    private final WeightNormConv2d condition;
    private final GLU gate;

    /**
     * @param in                 channels of the input and output
     * @param channel            hidden channels after conv1
     * @param auxiliaryChannels  channels of the auxiliary input, 0 for none
     * @param conditionChannels  channels of the condition, 0 for none
     */
    public GatedResBlock(int in, int channel, int kernel, Convolution convolution, double dropout,
                         int auxiliaryChannels, int conditionChannels, ParameterInit init) {
        this.in = in;
        this.conv1 = registerModule("conv1", convolution(in, channel, kernel, convolution, init));
        this.auxConv = auxiliaryChannels > 0
                ? registerModule("aux_conv", WeightNormConv2d.same(auxiliaryChannels, channel, 1, init)) : null;
        this.dropout = registerModule("dropout", new Dropout((float) dropout, init.nextSeed()));
        this.conv2 = registerModule("conv2", convolution(channel, in * 2, kernel, convolution, init));
        this.condition = conditionChannels > 0
                ? registerModule("condition", new WeightNormConv2d(conditionChannels, in * 2, 1, 1, 0, 0, false, init))
                : null;
        this.gate = registerModule("gate", new GLU(1));
    }

    private static Layer convolution(int in, int out, int kernel, Convolution convolution, ParameterInit init) {
        return convolution == Convolution.SAME
                ? WeightNormConv2d.same(in, out, kernel, init)
                : new CausalConv2d(in, out, kernel, kernel, CausalConv2d.Padding.CAUSAL, init);
    }

    /** The block without auxiliary input or condition. */
    @Override
    public Variable forward(Variable x) {
        return forward(x, null, null);
    }

    /**
     * The block; {@code aux} [B, auxiliaryChannels, H, W] and {@code condition}
     * [B, conditionChannels, H, W] must be given exactly when the block was built with them.
     */
    public Variable forward(Variable x, Variable aux, Variable condition) {
        return forwardActivated(x.elu(1f), aux, condition, CausalLayers.WHOLE_GRID);
    }

    /**
     * The block given {@code activated = elu(x)}, for callers that also use {@code elu(x)} themselves, with
     * its causal convolutions run through {@code layers}.
     */
    Variable forwardActivated(Variable activated, Variable aux, Variable conditionInput, CausalLayers layers) {
        if (activated.rank() != 4 || activated.dim(1) != in) {
            throw new IllegalArgumentException("GatedResBlock: expected [B, " + in + ", H, W], got "
                    + activated.shape());
        }
        if ((aux == null) != (auxConv == null) || (conditionInput == null) != (condition == null)) {
            throw new IllegalArgumentException("GatedResBlock: auxiliary input " + (auxConv == null ? "not " : "")
                    + "expected and condition " + (condition == null ? "not " : "") + "expected, got "
                    + (aux == null ? "no " : "an ") + "auxiliary input and " + (conditionInput == null ? "no " : "a ")
                    + "condition");
        }
        Variable h = convolve(conv1, activated, layers);
        if (aux != null) {
            h = h.add(auxConv.forward(aux.elu(1f)));
        }
        h = convolve(conv2, dropout.forward(h.elu(1f)), layers);
        if (conditionInput != null) {
            h = h.add(condition.forward(conditionInput));
        }
        return gate.forward(h).add(activated);
    }

    private static Variable convolve(Layer conv, Variable x, CausalLayers layers) {
        return conv instanceof CausalConv2d causal ? layers.convolve(causal, x) : conv.forward(x);
    }
}
