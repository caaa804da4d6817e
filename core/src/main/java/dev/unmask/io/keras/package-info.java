/**
 * Keras HDF5 weights ({@code model.save_weights}, or the weights of a {@code model.save} file) read through
 * jhdf as hostile input: {@link dev.unmask.io.keras.KerasWeightsFile} gives the layers with weights in
 * Keras' pairing order with their shapes before any value is read. Model-specific import (which layer is
 * which, layout changes) lives with the model, as {@code dev.unmask.models.mesonet.MesoNetWeights} for MesoNet.
 */
package dev.unmask.io.keras;
