package dev.unmask.data.fmnist;

import dev.unmask.data.Dataset;

/**
 * The one-class (anomaly detection) protocol on Fashion-MNIST: train on one class, test on all.
 *
 * @param normalClass the class treated as normal, 0..9
 * @param train the training images of {@code normalClass} only, all labelled 0
 * @param test every test image, labelled 0 when of {@code normalClass} and 1 (anomalous) otherwise
 */
public record OneClassSplit(int normalClass, Dataset train, Dataset test) {
}
