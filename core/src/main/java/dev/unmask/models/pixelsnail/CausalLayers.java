package dev.unmask.models.pixelsnail;

import dev.unmask.autograd.Variable;

/**
 * How the layers that look back in raster order (the causal convolutions and the causal attention) see
 * what lies before their input: either the input covers the whole grid ({@link #WHOLE_GRID}, training
 * and teacher forcing), or it is one row and the rows above are kept elsewhere
 * ({@link IncrementalPixelSnail}). Every other layer of PixelSNAIL works position by position and runs
 * the same either way.
 */
interface CausalLayers {
    /** {@code conv} applied to {@code input}, a [B, in, R, W] band of rows of its input. */
    Variable convolve(CausalConv2d conv, Variable input);

    /** {@code attention} with query and key features over the same band of rows. */
    Variable attend(CausalAttention attention, Variable queryFeatures, Variable keyFeatures);

    /** The input is the whole grid: the modules' own forward passes. */
    CausalLayers WHOLE_GRID = new CausalLayers() {
        @Override
        public Variable convolve(CausalConv2d conv, Variable input) {
            return conv.forward(input);
        }

        @Override
        public Variable attend(CausalAttention attention, Variable queryFeatures, Variable keyFeatures) {
            return attention.forward(queryFeatures, keyFeatures);
        }
    };
}
