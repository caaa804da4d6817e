package dev.unmask.models.vae;

import dev.unmask.backend.Backend;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * A variational autoencoder trained on real images only, whose reconstruction of an image scores it: the
 * worse the model explains an image, the higher its score (higher means more likely manipulated).
 *
 * <p>Training draws z = mu + sigma * epsilon with epsilon ~ N(0, I) from a generator the caller owns, so a
 * seeded generator makes training repeatable; scoring is deterministic: x' = decode(mu(x)). Models with
 * batch normalisation score in evaluation mode ({@code eval()}), so that an image's score does not
 * depend on the other images of its batch.
 */
public interface ReconstructionVae {

    /** Shape [B, ...] of the encoder's mean for a batch of {@code batch} images, the shape epsilon must have. */
    Shape latentShape(int batch);

    /**
     * The training forward with the given noise: encode, reparameterise, decode, and the loss terms.
     *
     * @param images  F32 [B, C, H, W] of the configured size and channels
     * @param epsilon standard normal noise of {@link #latentShape latentShape(B)}
     */
    VaeOutput forward(Tensor images, Tensor epsilon);

    /** The training forward with epsilon drawn from {@code noise} ({@link RandomGenerator#nextGaussian()}, in row-major order). */
    default VaeOutput forward(Tensor images, RandomGenerator noise) {
        if (images.rank() != 4) {
            throw new IllegalArgumentException("expected images [B, C, H, W], got " + images);
        }
        Shape shape = latentShape(images.dim(0));
        float[] epsilon = new float[shape.numel()];
        for (int i = 0; i < epsilon.length; i++) {
            epsilon[i] = (float) noise.nextGaussian();
        }
        return forward(images, Backend.of(images).fromFloats(epsilon, shape));
    }

    /** x' = decode(mu(x)) of F32 images [B, C, H, W], without a graph; needs evaluation mode. */
    default Tensor reconstruct(Tensor images) {
        return evaluate(images).reconstruction();
    }

    /** The anomaly score of each image, F32 [B], without a graph; needs evaluation mode. */
    default Tensor score(Tensor images) {
        return evaluate(images).score();
    }

    /**
     * One deterministic pass over F32 images [B, C, H, W] without a graph (evaluation mode needed): the mean, the
     * reconstruction and the score that {@link #score} gives, so that a detector reads all three at the cost of one.
     */
    Evaluation evaluate(Tensor images);

    /**
     * What {@link #evaluate} gives.
     *
     * @param mean           mu(x), [B, latent...]
     * @param reconstruction x' = decode(mu(x)), shaped as the input
     * @param score          the anomaly score of each image, F32 [B]
     */
    record Evaluation(Tensor mean, Tensor reconstruction, Tensor score) {
    }
}
