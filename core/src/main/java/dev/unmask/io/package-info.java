/**
 * Files: the safetensors format ({@link dev.unmask.io.SafetensorsReader}, {@link dev.unmask.io.SafetensorsWriter})
 * at the level of named raw tensors ({@link dev.unmask.io.TensorEntry}) and metadata strings, with
 * conversions to and from {@link dev.unmask.tensor.Tensor}. Model bundles and checkpoints build on it.
 */
package dev.unmask.io;
