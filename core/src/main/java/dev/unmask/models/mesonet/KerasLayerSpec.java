package dev.unmask.models.mesonet;

import dev.unmask.tensor.Shape;

import java.util.List;

/**
 * One Keras layer with weights as an official MesoNet file holds it, and the module of ours that takes its
 * weights: {@code kerasShapes} are the shapes in Keras' layout, in {@code weight_names} order.
 *
 * @param flattenedFrom for a dense layer after Flatten, the [C, H, W] of the features it reads (Keras
 *                      flattens them in H, W, C order, ours in C, H, W); null otherwise
 */
record KerasLayerSpec(String module, Kind kind, List<Shape> kerasShapes, Shape flattenedFrom) {
    /** The kinds of Keras layer with weights in MesoNet, and what their weights are. */
    enum Kind {
        /** kernel [kh, kw, in, out], bias [out] to {@code weight} [out, in, kh, kw] and {@code bias}. */
        CONV2D,
        /** gamma, beta, moving_mean, moving_variance to {@code weight}, {@code bias}, {@code running_mean}, {@code running_var}. */
        BATCH_NORM,
        /** kernel [in, out], bias [out] to {@code weight} [out, in] and {@code bias}. */
        DENSE
    }

    static KerasLayerSpec conv(String module, int in, int out, int kernel) {
        return new KerasLayerSpec(module, Kind.CONV2D, List.of(Shape.of(kernel, kernel, in, out), Shape.of(out)), null);
    }

    static KerasLayerSpec batchNorm(String module, int channels) {
        Shape c = Shape.of(channels);
        return new KerasLayerSpec(module, Kind.BATCH_NORM, List.of(c, c, c, c), null);
    }

    static KerasLayerSpec dense(String module, int in, int out, Shape flattenedFrom) {
        return new KerasLayerSpec(module, Kind.DENSE, List.of(Shape.of(in, out), Shape.of(out)), flattenedFrom);
    }
}
