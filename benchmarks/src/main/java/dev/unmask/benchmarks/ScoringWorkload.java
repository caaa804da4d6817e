package dev.unmask.benchmarks;

import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.detectors.latent.LatentAnomalyScorer;
import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.detectors.latent.LatentThresholds;
import dev.unmask.detectors.latent.RestorationScorer;
import dev.unmask.detectors.latent.RestorationSettings;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.data.FloatImage;
import dev.unmask.data.SynthFaces;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.models.vqvae.VqVae;
import dev.unmask.nn.Layer;
import dev.unmask.tensor.DType;
import dev.unmask.models.vqvae.VqVaeConfig;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The setting shared by {@link ScoringBenchmarks} and {@link ScoringForwardCounts}: the {@code faces-128}
 * VQ-VAE and PixelSNAIL with PyTorch-default weights drawn from a fixed seed (not trained), in evaluation
 * mode, calibrated as DESIGN section 6 says, and the images to score.
 *
 * <ul>
 *   <li>Codebook: PyTorch's N(0, 1) codebook lies far from the untrained encoder's latents, which all
 *       land on one code; so, as training would, the codebook is moved onto the latents: it is
 *       {@code K = 512} latent vectors drawn without replacement from the latents of {@value #CODEBOOK_IMAGES}
 *       other faces (indices from {@value #CODEBOOK_FIRST}); the EMA buffers follow it.</li>
 *   <li>Calibration: {@code lambdaS} and {@code lambdaP} are the 98th and 90th percentiles of the per-latent
 *       NLL of {@value #CALIBRATION_IMAGES} held-out real faces ({@link SynthFaces#face} with indices from
 *       {@value #HELD_OUT_FIRST}).</li>
 *   <li>Scored images: {@link SynthFaces#sample} 0, 1, ... (half of them manipulated), 128 x 128 RGB.</li>
 * </ul>
 */
final class ScoringWorkload {
    static final long SEED = 20261121L;
    static final int BATCH = 16;
    static final int CALIBRATION_IMAGES = 32;
    static final long HELD_OUT_FIRST = 1_000_000L;
    static final int CODEBOOK_IMAGES = 16;
    static final long CODEBOOK_FIRST = 2_000_000L;

    final Backend backend;
    final LatentRestorationModel model;
    final LatentAnomalyScorer scorer;
    final RestorationScorer restorer;
    final LatentThresholds thresholds;
    private final SynthFaces faces;

    ScoringWorkload(String backendName) {
        backend = Backends.create(backendName);
        model = LatentRestorationModel.create(VqVaeConfig.faces128(), PixelSnailConfig.faces128(), SEED, backend);
        if (model.imageSize() != SynthFaces.DEFAULT_SIZE) {
            throw new IllegalStateException("faces-128 takes " + model.imageSize() + " pixel images");
        }
        faces = new SynthFaces(SEED);
        codebookFromLatents(stack(IntStream.range(0, CODEBOOK_IMAGES)
                .mapToObj(i -> faces.face(CODEBOOK_FIRST + i)).toList()));
        scorer = model.scorer(RestorationSettings.DEFAULTS);
        restorer = new RestorationScorer(model.prior(), model.decoder(), RestorationSettings.DEFAULTS);
        double[] nll = IntStream.range(0, CALIBRATION_IMAGES / BATCH)
                .mapToObj(i -> heldOut(i * BATCH, BATCH))
                .flatMapToDouble(batch -> Arrays.stream(scorer.latentNll(batch)))
                .toArray();
        thresholds = LatentThresholds.fromNll(nll);
    }

    /** Sets the codebook [D, K] to K distinct latent vectors of {@code images}, drawn from a seeded stream. */
    private void codebookFromLatents(Tensor images) {
        VqVae vqvae = model.vqvae();
        Tensor latents;
        try (NoGrad scope = NoGrad.enter()) {
            // encoder then quantize_conv, as VqVae.encode runs them before the nearest-code search
            Layer encoder = (Layer) vqvae.children().get("enc");
            Layer toLatent = (Layer) vqvae.children().get("quantize_conv");
            latents = toLatent.forward(encoder.forward(Variable.constant(images))).value();
        }
        int dim = latents.dim(1);
        int count = latents.dim(0) * latents.dim(2) * latents.dim(3);
        int plane = latents.dim(2) * latents.dim(3);
        int codes = vqvae.config().codes();
        if (count < codes) {
            throw new IllegalStateException(count + " latents cannot fill a codebook of " + codes);
        }
        float[] z = latents.toFloatArray();
        int[] order = IntStream.range(0, count).toArray();
        SplittableRandom rnd = new SplittableRandom(SEED);
        float[] embed = new float[dim * codes];
        for (int k = 0; k < codes; k++) {
            int pick = k + rnd.nextInt(count - k);
            int latent = order[pick];
            order[pick] = order[k];
            int image = latent / plane;
            int position = latent % plane;
            for (int d = 0; d < dim; d++) {
                embed[d * codes + k] = z[(image * dim + d) * plane + position];
            }
        }
        Map<String, Tensor> state = new LinkedHashMap<>(vqvae.quantizer().stateDict());
        Tensor codebook = backend.fromFloats(embed, Shape.of(dim, codes));
        state.put("embed", codebook);
        state.put("embed_avg", codebook);
        state.put("cluster_size", backend.full(Shape.of(codes), DType.F32, 1f));
        vqvae.quantizer().loadStateDict(state);
    }

    /** Scored images {@code first .. first + count - 1} as one batch F32 [count, 3, 128, 128]. */
    Tensor scored(int first, int count) {
        return stack(IntStream.range(first, first + count).mapToObj(i -> faces.sample(i).image()).toList());
    }

    private Tensor heldOut(int first, int count) {
        return stack(IntStream.range(first, first + count).mapToObj(i -> faces.face(HELD_OUT_FIRST + i)).toList());
    }

    private Tensor stack(List<FloatImage> images) {
        FloatImage one = images.get(0);
        int size = one.data().length;
        float[] all = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i).data(), 0, all, i * size, size);
        }
        return backend.fromFloats(all, Shape.of(images.size(), one.channels(), one.height(), one.width()));
    }
}
