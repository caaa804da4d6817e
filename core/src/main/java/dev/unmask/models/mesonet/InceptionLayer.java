package dev.unmask.models.mesonet;

import dev.unmask.autograd.Variable;
import dev.unmask.nn.Conv2d;
import dev.unmask.nn.Layer;
import dev.unmask.nn.ParameterInit;

import java.util.List;

/**
 * classifiers.py's InceptionLayer(a, b, c, d): four branches over the same input, concatenated along the
 * channels in this order: {@code branch1} a 1x1 convolution to a channels; {@code branch2} a 1x1 to b then a
 * 3x3; {@code branch3} a 1x1 to c then a 3x3 with dilation 2; {@code branch4} a 1x1 to d then a 3x3 with
 * dilation 3 (every convolution 'same' and followed by ReLU in Keras).
 *
 * <p>The output is the concatenation <em>before</em> the final ReLU of each branch: the enclosing
 * {@link FeatureBlock} applies ReLU to it, which is the same as concatenating the branches' ReLUs.
 */
final class InceptionLayer extends Layer {
    private final Conv2d branch1;
    private final List<Branch> branches;

    /** A 1x1 reduction to {@code channels}, ReLU, then a 3x3 convolution with {@code dilation}. */
    static final class Branch extends Layer {
        private final Conv2d reduce;
        private final Conv2d conv;

        Branch(int in, int channels, int dilation, ParameterInit init) {
            reduce = registerModule("reduce", FeatureBlock.sameConv(in, channels, 1, 1, init));
            conv = registerModule("conv", FeatureBlock.sameConv(channels, channels, 3, dilation, init));
        }

        @Override
        public Variable forward(Variable x) {
            return conv.forward(reduce.forward(x).relu());
        }
    }

    InceptionLayer(int in, int a, int b, int c, int d, ParameterInit init) {
        branch1 = registerModule("branch1", FeatureBlock.sameConv(in, a, 1, 1, init));
        branches = List.of(registerModule("branch2", new Branch(in, b, 1, init)),
                registerModule("branch3", new Branch(in, c, 2, init)),
                registerModule("branch4", new Branch(in, d, 3, init)));
    }

    @Override
    public Variable forward(Variable x) {
        return Variable.concat(List.of(branch1.forward(x), branches.get(0).forward(x), branches.get(1).forward(x),
                branches.get(2).forward(x)), 1);
    }
}
