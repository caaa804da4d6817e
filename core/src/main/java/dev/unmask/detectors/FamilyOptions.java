package dev.unmask.detectors;

/** Marker of the per-call options one detector family defines (e.g. latent restoration's lambdas). */
public interface FamilyOptions {
}
