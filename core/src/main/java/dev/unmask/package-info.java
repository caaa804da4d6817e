/**
 * The few classes an application touches.
 *
 * <ul>
 *   <li>{@link dev.unmask.Detector}: loads a calibrated latent-restoration bundle and scores images
 *       ({@link dev.unmask.Detection}: raw sample score, score normalised to [0, 1], verdict at 0.5, and the
 *       restoration heat-map when {@link dev.unmask.DetectionOptions#heatMap()} asks for it). Thread-safe.</li>
 *   <li>{@link dev.unmask.detectors.latent.LatentRestorationModel}: the VQ-VAE and PixelSNAIL pair with its calibration, the
 *       adapters the {@code anomaly} scorers need, and the bundle format {@code "latent-restoration"}
 *       (tensors under {@code vqvae.} and {@code prior.}, both configs, calibration JSON).</li>
 *   <li>{@link dev.unmask.detectors.latent.LatentRestorationTraining}: train the VQ-VAE, extract codes, train the prior,
 *       calibrate on held-out real images.</li>
 * </ul>
 *
 * <h2>Layers</h2>
 * Dependencies flow one way; a layer uses only the layers below it, never one beside it (LayeringTest checks
 * it with ArchUnit on every build, with no recorded exceptions):
 * <pre>
 *   api              dev.unmask: Detector, Detection, DetectionRow, DetectorFamilies
 *   detectors, faces, video
 *                    detectors is the family contract and never names a family; each family is a
 *                    subpackage (latent, ...) and families do not use one another
 *   train            training loop, checkpoints (uses io, data, nn, optim)
 *   data, metrics
 *   models           vqvae, pixelsnail, mesonet
 *   nn, optim, io    io: safetensors, model bundles, Keras HDF5 weights (it uses tensors only, so a model may
 *                    import its weights)
 *   autograd
 *   backend          the Backend contract: ops and allocation on the backend of a tensor, Backend.of(tensor)
 *   ops
 *   random, tensor   leaves: counter-based random streams (Seeds); Tensor, Shape, DType, Device
 * </pre>
 * Beside the chain sit {@code Backends} (the run-time choice and the process-wide default) and the
 * implementations {@code backend.cpu} and {@code backend.cuda}: only {@code Backends} and the layers that decide
 * where work runs (api, detectors, train) use them. Below those, nothing picks a backend: a module is built on the
 * backend of its {@link dev.unmask.nn.ParameterInit} and runs ops on the backend of the tensors it is given, and a
 * tensor knows only its {@link dev.unmask.tensor.Device}.
 */
package dev.unmask;
