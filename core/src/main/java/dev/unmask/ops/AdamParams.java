package dev.unmask.ops;

/**
 * Hyper-parameters of one Adam step. {@code step} counts from 1 and drives bias correction.
 * {@code weightDecay} is decoupled (AdamW) when {@code decoupled}, else added to the gradient (Adam).
 */
public record AdamParams(float learningRate, float beta1, float beta2, float epsilon, float weightDecay,
                         boolean decoupled, long step) {
    public AdamParams {
        if (step < 1) {
            throw new IllegalArgumentException("Adam step counts from 1, got " + step);
        }
    }
}
