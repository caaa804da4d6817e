package dev.unmask.detectors.latent;

import dev.unmask.autograd.NoGrad;
import dev.unmask.backend.Backend;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * Latent restoration and the pixel score (DESIGN section 6). Each image's code grid is copied n times; in
 * raster order, at each position p, every copy looks at the prior's logits given its current grid, and if
 * the NLL of its code there exceeds {@code lambdaP} the code is replaced by a draw from
 * {@code softmax(logits / T)}. The draw of copy j of an image at position p uses the uniform number keyed by
 * (seed, image key, j, p) and inverse-CDF sampling, so a result depends neither on the batch nor on the
 * {@link RestorationSchedule}. The restored copies are decoded and turned into a {@link PixelScoreMap}.
 *
 * <p>An image key is the caller's (e.g. a dataset index) or, by default, derived from the image's input
 * codes, so that the same image is restored the same way wherever it sits in a batch.
 *
 * <p>Instances hold no mutable state; they are as thread-safe as the prior and decoder they wrap.
 */
public final class RestorationScorer {
    private final CodePrior prior;
    private final CodeDecoder decoder;
    private final RestorationSettings settings;

    public RestorationScorer(CodePrior prior, CodeDecoder decoder, RestorationSettings settings) {
        if (prior == null || decoder == null || settings == null) {
            throw new IllegalArgumentException("prior, decoder and settings must not be null");
        }
        this.prior = prior;
        this.decoder = decoder;
        this.settings = settings;
    }

    public RestorationSettings settings() {
        return settings;
    }

    /**
     * {@link #restore(Tensor, long[], double, RestorationSchedule)}, efficient, with content-derived image keys
     * (callers that report its {@link Restoration#gridForwards} rely on the schedule; {@link #pixelScores}
     * uses the fastest).
     */
    public Restoration restore(Tensor codes, double lambdaP) {
        return restore(codes, null, lambdaP, RestorationSchedule.EFFICIENT);
    }

    /**
     * Restores n copies of each grid.
     *
     * @param codes     I32 [B, h, w] in [0, K)
     * @param imageKeys B keys of the random streams, or null to derive each from its image's codes
     * @param lambdaP   restoration threshold (not NaN; +Infinity restores nothing)
     * @param schedule  INCREMENTAL needs an {@link IncrementalCodePrior}
     */
    public Restoration restore(Tensor codes, long[] imageKeys, double lambdaP, RestorationSchedule schedule) {
        int[] dims = LatentNll.requireCodes(codes);
        int[] input = codes.toIntArray();
        LatentNll.requireCodesInRange(input, prior.codebookSize());
        if (Double.isNaN(lambdaP) || schedule == null) {
            throw new IllegalArgumentException("lambdaP must not be NaN and schedule not null, got " + lambdaP + ", " + schedule);
        }
        if (schedule == RestorationSchedule.INCREMENTAL && !(prior instanceof IncrementalCodePrior)) {
            throw new IllegalArgumentException("the INCREMENTAL schedule needs an IncrementalCodePrior, got "
                    + prior.getClass().getName());
        }
        if (imageKeys != null && imageKeys.length != dims[0]) {
            throw new IllegalArgumentException(imageKeys.length + " image keys for " + dims[0] + " images");
        }
        int positions = dims[1] * dims[2];
        long[] keys = new long[dims[0]];
        for (int b = 0; b < dims[0]; b++) {
            keys[b] = imageKeys != null ? imageKeys[b] : CategoricalDraw.contentKey(input, b * positions, positions);
        }
        Run run = new Run(Backend.of(codes), dims[0], dims[1], dims[2], keys, lambdaP);
        return switch (schedule) {
            case NAIVE -> run.naive(input);
            case EFFICIENT -> run.efficient(input);
            case INCREMENTAL -> run.incremental(input, ((IncrementalCodePrior) prior).rows(dims[0] * settings.copies()));
        };
    }

    /**
     * The pixel score maps of a batch: restoration with the fastest schedule and content-derived keys, decoding, then
     * {@link PixelScoreMap}.
     *
     * @param images F32 [B, C, H, W], the inputs Y
     * @param codes  I32 [B, h, w], their codes
     * @return F32 [B, 1, H, W] on the images' backend
     */
    public Tensor pixelScores(Tensor images, Tensor codes, double lambdaP) {
        return pixelScores(images, restore(codes, null, lambdaP, RestorationSchedule.fastest(prior)));
    }

    /** Decodes every restored copy and computes the {@link PixelScoreMap} against {@code images}. */
    public Tensor pixelScores(Tensor images, Restoration restoration) {
        if (images.rank() != 4 || images.dim(0) != restoration.images()) {
            throw new IllegalArgumentException("images " + images.shape() + " do not match a restoration of "
                    + restoration.images() + " images");
        }
        Tensor decoded;
        try (NoGrad scope = NoGrad.enter()) {
            decoded = decoder.decode(restoration.toTensor(Backend.of(images)));
        }
        return PixelScoreMap.of(images, decoded, restoration.copies(), settings);
    }

    /** One restoration of a batch: shapes, keys and the schedules over the same per-position step. */
    private final class Run {
        private final Backend backend;
        private final int images;
        private final int height;
        private final int width;
        private final int positions;
        private final int classes;
        private final int copies;
        private final long[] keys;
        private final double lambdaP;
        private long priorCalls;
        private long gridForwards;
        private long rowForwards;
        private long rowPositions;

        Run(Backend backend, int images, int height, int width, long[] keys, double lambdaP) {
            this.backend = backend;
            this.images = images;
            this.height = height;
            this.width = width;
            this.positions = height * width;
            this.classes = prior.codebookSize();
            this.copies = settings.copies();
            this.keys = keys;
            this.lambdaP = lambdaP;
        }

        Restoration naive(int[] input) {
            int grids = images * copies;
            int[] codes = everyCopy(input);
            for (int p = 0; p < positions; p++) {
                float[] logits = forward(codes, grids);
                for (int g = 0; g < grids; g++) {
                    int offset = g * classes * positions + p;
                    int code = codes[g * positions + p];
                    if (unlikely(logits, offset, positions, code)) {
                        codes[g * positions + p] = draw(logits, offset, positions, g / copies, g % copies, p);
                    }
                }
            }
            return result(codes);
        }

        /**
         * Row by row: at the start of row y every copy's row y runs through {@code rows}; then at each position
         * (y, x) the copies are stepped with the logits of their latest row y, and the copies that drew a new
         * code there get their row y run again from column x + 1 on, all in one call, before (y, x + 1). Not
         * after the last position of a row: no logit of a row depends on its last code.
         */
        Restoration incremental(int[] input, IncrementalCodePrior.Rows rows) {
            int grids = images * copies;
            int[] codes = everyCopy(input);
            int[] everyGrid = new int[grids];
            Arrays.setAll(everyGrid, g -> g);
            // the logits of (g, y, x) lie at logitsOf[g][offsetOf[g] + x], K of them strideOf[g] apart
            float[][] logitsOf = new float[grids][];
            int[] offsetOf = new int[grids];
            int[] strideOf = new int[grids];
            for (int y = 0; y < height; y++) {
                int[] stale = everyGrid;
                for (int x = 0; x < width; x++) {
                    if (stale.length > 0) {
                        float[] logits = rowForward(rows, y, x, stale, codes);
                        int columns = width - x;
                        for (int i = 0; i < stale.length; i++) {
                            logitsOf[stale[i]] = logits;
                            offsetOf[stale[i]] = i * classes * columns - x;
                            strideOf[stale[i]] = columns;
                        }
                    }
                    int p = y * width + x;
                    int[] changed = new int[grids];
                    int count = 0;
                    for (int g = 0; g < grids; g++) {
                        int code = codes[g * positions + p];
                        if (unlikely(logitsOf[g], offsetOf[g] + x, strideOf[g], code)) {
                            int drawn = draw(logitsOf[g], offsetOf[g] + x, strideOf[g], g / copies, g % copies, p);
                            if (drawn != code) {
                                codes[g * positions + p] = drawn;
                                changed[count++] = g;
                            }
                        }
                    }
                    stale = Arrays.copyOf(changed, count);
                }
            }
            return result(codes);
        }

        /** The input grid of each image repeated for each of its copies, [images, copies, h, w]. */
        private int[] everyCopy(int[] input) {
            int[] codes = new int[images * copies * positions];
            for (int g = 0; g < images * copies; g++) {
                System.arraycopy(input, (g / copies) * positions, codes, g * positions, positions);
            }
            return codes;
        }

        private Restoration result(int[] codes) {
            return new Restoration(images, copies, height, width, codes, priorCalls, gridForwards, rowForwards,
                    rowPositions);
        }

        /**
         * Copies with equal grids form a group that shares one set of logits. A group's logits stay valid
         * until its grid changes, and a grid changes only at the current position, where a resampled group
         * splits by the drawn codes; the part that drew its old code keeps the logits, the others are stale
         * and are run through the prior, all in one call, before the next position. Groups never merge:
         * two of them differ at an earlier position, which is never touched again.
         */
        Restoration efficient(int[] input) {
            List<List<Group>> groupsOf = new ArrayList<>();
            int[] everyCopy = new int[copies];
            Arrays.setAll(everyCopy, j -> j);
            for (int b = 0; b < images; b++) {
                List<Group> groups = new ArrayList<>();
                groups.add(new Group(Arrays.copyOfRange(input, b * positions, (b + 1) * positions), everyCopy));
                groupsOf.add(groups);
            }
            for (int p = 0; p < positions; p++) {
                refreshStale(groupsOf);
                for (int b = 0; b < images; b++) {
                    List<Group> next = new ArrayList<>();
                    for (Group group : groupsOf.get(b)) {
                        step(group, b, p, next);
                    }
                    groupsOf.set(b, next);
                }
            }
            int[] codes = new int[images * copies * positions];
            for (int b = 0; b < images; b++) {
                for (Group group : groupsOf.get(b)) {
                    for (int j : group.copies) {
                        System.arraycopy(group.grid, 0, codes, (b * copies + j) * positions, positions);
                    }
                }
            }
            return result(codes);
        }

        /** Position p of one group: keeps it, or splits it by the codes its copies draw, into {@code next}. */
        private void step(Group group, int image, int p, List<Group> next) {
            int code = group.grid[p];
            if (!unlikely(group.logits, group.offset + p, positions, code)) {
                next.add(group);
                return;
            }
            TreeMap<Integer, List<Integer>> byCode = new TreeMap<>();
            for (int j : group.copies) {
                int drawn = draw(group.logits, group.offset + p, positions, image, j, p);
                byCode.computeIfAbsent(drawn, c -> new ArrayList<>()).add(j);
            }
            byCode.forEach((drawn, members) -> {
                int[] memberCopies = members.stream().mapToInt(Integer::intValue).toArray();
                if (drawn == code) {
                    Group kept = new Group(group.grid, memberCopies);
                    kept.logits = group.logits;
                    kept.offset = group.offset;
                    next.add(kept);
                } else {
                    int[] grid = group.grid.clone();
                    grid[p] = drawn;
                    next.add(new Group(grid, memberCopies));
                }
            });
        }

        /** One prior call for every group, of every image, without valid logits. */
        private void refreshStale(List<List<Group>> groupsOf) {
            List<Group> stale = new ArrayList<>();
            for (List<Group> groups : groupsOf) {
                for (Group group : groups) {
                    if (group.logits == null) {
                        stale.add(group);
                    }
                }
            }
            if (stale.isEmpty()) {
                return;
            }
            int[] codes = new int[stale.size() * positions];
            for (int s = 0; s < stale.size(); s++) {
                System.arraycopy(stale.get(s).grid, 0, codes, s * positions, positions);
            }
            float[] logits = forward(codes, stale.size());
            for (int s = 0; s < stale.size(); s++) {
                stale.get(s).logits = logits;
                stale.get(s).offset = s * classes * positions;
            }
        }

        /**
         * Whether the code's NLL exceeds lambdaP; {@code offset} points at class 0 of the position, whose K
         * logits lie {@code stride} apart.
         */
        private boolean unlikely(float[] logits, int offset, int stride, int code) {
            return CategoricalDraw.nll(logits, offset, classes, stride, code) > lambdaP;
        }

        /** The keyed draw of copy {@code copy} of image {@code image} at position p. */
        private int draw(float[] logits, int offset, int stride, int image, int copy, int p) {
            double u = CategoricalDraw.uniform(settings.seed(), keys[image], copy, p);
            return CategoricalDraw.sample(logits, offset, classes, stride, settings.temperature(), u);
        }

        private float[] forward(int[] codes, int grids) {
            priorCalls++;
            gridForwards += grids;
            return LatentNll.logits(prior, backend.fromInts(codes, Shape.of(grids, height, width)));
        }

        /**
         * Row y of the grids {@code ids} (of all {@code codes}, [images * copies, h, w]) from column
         * {@code fromColumn} on, as [ids, K, w - fromColumn].
         */
        private float[] rowForward(IncrementalCodePrior.Rows rows, int y, int fromColumn, int[] ids, int[] codes) {
            int[] selected = new int[ids.length * positions];
            for (int i = 0; i < ids.length; i++) {
                System.arraycopy(codes, ids[i] * positions, selected, i * positions, positions);
            }
            Tensor logits;
            try (NoGrad scope = NoGrad.enter()) {
                Tensor grids = backend.fromInts(selected, Shape.of(ids.length, height, width));
                logits = rows.rowLogits(y, fromColumn, ids, grids);
            }
            Shape expected = Shape.of(ids.length, classes, width - fromColumn);
            if (logits.dtype() != DType.F32 || !logits.shape().equals(expected)) {
                throw new IllegalStateException("the prior returned " + logits.dtype() + " " + logits.shape()
                        + " for row " + y + " of " + ids.length + " grids; expected F32 " + expected);
            }
            priorCalls++;
            rowForwards += ids.length;
            rowPositions += (long) ids.length * (width - fromColumn);
            return logits.toFloatArray();
        }
    }

    /** Copies of one image whose grids are equal, and the logits of that grid when they are current. */
    private static final class Group {
        final int[] grid;
        final int[] copies;
        float[] logits;
        int offset;

        Group(int[] grid, int[] copies) {
            this.grid = grid;
            this.copies = copies;
        }
    }
}
