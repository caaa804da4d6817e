package dev.unmask.nn;

import dev.unmask.autograd.Variable;

import java.util.List;

/**
 * Layers applied in order. Children are named by position ("0", "1", ...), parameter-free layers
 * included, so parameter names match PyTorch's nn.Sequential ("0.weight", "2.bias").
 */
public final class Sequential extends Layer {
    private final List<Layer> layers;

    public Sequential(Layer... layers) {
        this.layers = List.of(layers);
        for (int i = 0; i < layers.length; i++) {
            registerModule(Integer.toString(i), layers[i]);
        }
    }

    public Layer get(int index) {
        return layers.get(index);
    }

    public int size() {
        return layers.size();
    }

    @Override
    public Variable forward(Variable x) {
        Variable out = x;
        for (Layer layer : layers) {
            out = layer.forward(out);
        }
        return out;
    }
}
