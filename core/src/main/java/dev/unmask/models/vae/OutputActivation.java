package dev.unmask.models.vae;

/**
 * The last step of a decoder, chosen by the input's value range, since the reconstruction error is
 * taken in the input's space.
 */
public enum OutputActivation {
    /** A sigmoid, for inputs in [0, 1]. */
    SIGMOID,
    /** No activation, for inputs normalised per channel (ImageNet mean and standard deviation). */
    LINEAR
}
