package dev.unmask.autograd;

import dev.unmask.ops.AttentionGradients;
import dev.unmask.ops.AttentionResult;
import dev.unmask.tensor.Tensor;

import static dev.unmask.autograd.Function.ops;

/** Fused operations whose forward and backward are single backend kernels. */
final class FusedFunctions {
    private FusedFunctions() {
    }

    static Variable causalAttention(Variable query, Variable key, Variable value, float scale) {
        Tensor q = query.value();
        Tensor k = key.value();
        Tensor v = value.value();
        AttentionResult result = ops(q).causalAttention(q, k, v, scale);
        return Function.record(result.out(), new CausalAttention(q, k, v, scale, result), query, key, value);
    }

    /** Keeps the per-row log-sum-exp so the backward kernel recomputes probabilities without an L x L matrix. */
    private static final class CausalAttention extends Function {
        private final Tensor q;
        private final Tensor k;
        private final Tensor v;
        private final float scale;
        private final AttentionResult forward;

        CausalAttention(Tensor q, Tensor k, Tensor v, float scale, AttentionResult forward) {
            this.q = q;
            this.k = k;
            this.v = v;
            this.scale = scale;
            this.forward = forward;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            AttentionGradients grads = ops(g).causalAttentionBackward(q, k, v, scale, forward, g);
            return new Tensor[] {grads.query(), grads.key(), grads.value()};
        }
    }
}
