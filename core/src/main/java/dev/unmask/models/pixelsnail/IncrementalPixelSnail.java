package dev.unmask.models.pixelsnail;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The logits of a {@link PixelSnail} computed one row of the grid at a time, for a fixed set of grids,
 * keeping every causal layer's past (the key-value cache of autoregressive decoding, for PixelSNAIL's
 * causal convolutions and causal attention). Every layer is causal in raster order, so row y of every
 * activation depends only on the codes of rows &lt; y and of row y left of the position; a row is computed
 * from the codes and the cached rows above it:
 * <ul>
 *   <li>the input gathers read the codes of rows y - k/2 .. y directly;</li>
 *   <li>each causal convolution of the residual blocks keeps its input rows and convolves the band of the
 *       kh rows ending at y (zeros above the grid): im2col over its live taps and one matrix product for
 *       all the grids of the call ({@link CausalConv2d#forwardRow});</li>
 *   <li>each causal attention keeps the keys and values of its rows and attends from the queries of row y
 *       to them and to row y's own, through the fused causal attention op over positions 0 .. (y + 1) w - 1
 *       with zero queries before the computed ones whose outputs are dropped (the op takes as many queries
 *       as keys; the wasted work grows with y, at the last row as much as one whole-grid attention);</li>
 *   <li>every other layer works position by position and runs its module's own forward on the row.</li>
 * </ul>
 * The same modules and weights as {@link PixelSnail#logits} run, through backend ops only (no graph);
 * the weight-normalised weights of the causal convolutions and input gathers are computed once.
 *
 * <p>Contract: grid g's row y can be computed once rows 0 .. y - 1 of g have been computed, and only while
 * the codes those rows were computed from are unchanged, except the last code of each row, which no
 * activation of its own row depends on. Computing row y of g discards g's rows below y. Row y can also be
 * computed again from a column c on, keeping its columns before c, after a change of the code at
 * (y, c - 1) ({@link #rowLogits}). Whether a call keeps to this is checked. The logits equal the rows of {@link PixelSnail#logits} of the current grids:
 * on the CPU backend bit for bit (its ops compute an output element in an order that does not depend on the
 * number of rows, and the row convolution sums in the order of its convolution;
 * {@code IncrementalPixelSnailTest} checks it), elsewhere up to float rounding, which can make a
 * restoration draw differ where a uniform falls within rounding of a class boundary.
 *
 * <p>Not thread-safe. Memory: per grid, the inputs of every causal convolution and the keys and values of
 * every attention over the whole grid.
 */
public final class IncrementalPixelSnail {
    private final PixelSnail model;
    private final int grids;
    private final int height;
    private final int width;
    private final int classes;
    private final Variable horizontalTable;
    private final Variable verticalTable;
    private final Tensor background;
    private final Map<CausalConv2d, ConvolutionRows> convolutions = new IdentityHashMap<>();
    private final Map<CausalAttention, AttentionRows> attentions = new IdentityHashMap<>();
    /** Rows [0, rowsDone[g]) of grid g are cached. */
    private final int[] rowsDone;
    /** The codes each cached row was computed from, row-major [grids, height, width]. */
    private final int[] seen;
    private long rowForwards;

    IncrementalPixelSnail(PixelSnail model, int grids) {
        if (model.isTraining()) {
            throw new IllegalStateException("IncrementalPixelSnail needs the model in evaluation mode (dropout off)");
        }
        if (grids < 1) {
            throw new IllegalArgumentException("IncrementalPixelSnail: need at least one grid, got " + grids);
        }
        PixelSnailConfig config = model.config();
        this.model = model;
        this.grids = grids;
        this.height = config.height();
        this.width = config.width();
        this.classes = config.classes();
        try (NoGrad scope = NoGrad.enter()) {
            this.horizontalTable = Variable.constant(model.horizontal().oneHotTable().value());
            this.verticalTable = Variable.constant(model.vertical().oneHotTable().value());
        }
        this.background = model.background();
        this.rowsDone = new int[grids];
        this.seen = new int[grids * height * width];
    }

    public int grids() {
        return grids;
    }

    /** Rows computed so far, summed over grids and calls (a call on n grids counts n). */
    public long rowForwards() {
        return rowForwards;
    }

    /**
     * Computes row {@code row} of the grids {@code ids} from column {@code fromColumn} on and returns the
     * logits there. With {@code fromColumn > 0} the row must have been computed before, and the columns left
     * of {@code fromColumn} are kept: they depend only on the codes before (row, fromColumn - 1), which must
     * be unchanged since, while the code at (row, fromColumn - 1) may have changed (a resampled position).
     *
     * @param row        in [0, height); rows above it must have been computed for every grid in {@code ids}
     * @param fromColumn in [0, width)
     * @param ids        distinct grid indices in [0, grids)
     * @param codes      I32 [ids.length, height, width], the current codes of those grids (rows below
     *                   {@code row} are not read)
     * @return F32 [ids.length, classes, width - fromColumn], equal to
     *         {@code logits(codes)[:, :, row, fromColumn:]}
     */
    public Tensor rowLogits(int row, int fromColumn, int[] ids, Tensor codes) {
        if (row < 0 || row >= height || fromColumn < 0 || fromColumn >= width) {
            throw new IllegalArgumentException("row " + row + " and column " + fromColumn + " must lie in [0, "
                    + height + ") and [0, " + width + ")");
        }
        if (ids == null || ids.length == 0) {
            throw new IllegalArgumentException("need at least one grid");
        }
        if (codes.rank() != 3 || codes.dim(0) != ids.length || codes.dim(1) != height || codes.dim(2) != width) {
            throw new IllegalArgumentException("codes must be [" + ids.length + ", " + height + ", " + width
                    + "] for " + ids.length + " grids, got " + codes.shape());
        }
        int[] code = CausalConv2d.checkedCodes(codes, classes);
        checkComputed(row, fromColumn, ids, code);
        int n = ids.length;
        Variable logits;
        try (NoGrad scope = NoGrad.enter()) {
            Variable features = model.input(horizontalTable, verticalTable, code, n, row, row + 1)
                    .slice(3, fromColumn, width);
            Variable rowBackground = Variable.constant(background).slice(2, row, row + 1).slice(3, fromColumn, width)
                    .expand(Shape.of(n, 2, 1, width - fromColumn));
            logits = model.output(features, rowBackground, new RowPass(row, fromColumn, ids));
        }
        int positions = height * width;
        for (int i = 0; i < n; i++) {
            rowsDone[ids[i]] = row + 1;
            int from = ids[i] * positions + row * width;
            System.arraycopy(code, i * positions + row * width, seen, from, width);
        }
        rowForwards += n;
        return logits.value().reshape(Shape.of(n, classes, width - fromColumn));
    }

    /** Checks that the rows above (and row {@code row} left of {@code fromColumn}) are computed and current. */
    private void checkComputed(int row, int fromColumn, int[] ids, int[] code) {
        boolean[] used = new boolean[grids];
        int positions = height * width;
        for (int i = 0; i < ids.length; i++) {
            int g = ids[i];
            if (g < 0 || g >= grids || used[g]) {
                throw new IllegalArgumentException("grid index " + g + " is outside [0, " + grids + ") or repeated in "
                        + Arrays.toString(ids));
            }
            used[g] = true;
            int needed = fromColumn > 0 ? row + 1 : row;
            if (rowsDone[g] < needed) {
                throw new IllegalStateException("grid " + g + ": row " + row + " from column " + fromColumn
                        + " needs rows 0.." + (needed - 1) + " computed first, but only " + rowsDone[g] + " are");
            }
            for (int r = 0; r < needed; r++) {
                // what the kept activations of row r depend on: its codes but the last (or, for this row, those
                // left of fromColumn - 1)
                int length = r < row ? width - 1 : fromColumn - 1;
                int from = r * width;
                if (length > 0 && !Arrays.equals(code, i * positions + from, i * positions + from + length,
                        seen, g * positions + from, g * positions + from + length)) {
                    throw new IllegalStateException("grid " + g + ": the codes of row " + r
                            + " changed since it was computed; recompute it first");
                }
            }
        }
    }

    /** The cached input rows of one causal convolution and its frozen weights. */
    private final class ConvolutionRows {
        final CausalConv2d.Frozen frozen;
        final int kernelHeight;
        final Variable[][] rows = new Variable[grids][height];
        Variable zero;

        ConvolutionRows(CausalConv2d conv) {
            this.frozen = conv.freeze();
            this.kernelHeight = conv.kernelHeight();
        }
    }

    /** The cached key and value rows of one causal attention, each [1, heads, width, channel / heads]. */
    private final class AttentionRows {
        final Variable[][] keys = new Variable[grids][height];
        final Variable[][] values = new Variable[grids][height];
    }

    /**
     * The causal layers at one row of some grids, from column {@code fromColumn} on: complete the row with
     * the kept columns, store it, then use it with the cached rows above.
     */
    private final class RowPass implements CausalLayers {
        private final int row;
        private final int fromColumn;
        private final int[] ids;

        RowPass(int row, int fromColumn, int[] ids) {
            this.row = row;
            this.fromColumn = fromColumn;
            this.ids = ids;
        }

        @Override
        public Variable convolve(CausalConv2d conv, Variable input) {
            ConvolutionRows cache = convolutions.computeIfAbsent(conv, ConvolutionRows::new);
            store(input, cache.rows, 3);
            if (cache.zero == null) {
                cache.zero = Variable.constant(Backend.of(input.value()).full(
                        Shape.of(1, input.dim(1), 1, width), input.value().dtype(), 0f));
            }
            int n = ids.length;
            int band = cache.kernelHeight;
            List<Variable> pieces = new ArrayList<>(n * band);
            for (int g : ids) {
                for (int r = row - band + 1; r <= row; r++) {
                    pieces.add(r < 0 ? cache.zero : cache.rows[g][r]);
                }
            }
            // [n * band, C, 1, W] to [C, band, n, W]
            Variable slab = Variable.concat(pieces, 0).reshape(n, band, input.dim(1), width).permute(2, 1, 0, 3);
            return conv.forwardRow(cache.frozen, slab, fromColumn);
        }

        @Override
        public Variable attend(CausalAttention attention, Variable queryFeatures, Variable keyFeatures) {
            AttentionRows cache = attentions.computeIfAbsent(attention, a -> new AttentionRows());
            Variable[] keysAndValues = attention.keysAndValues(keyFeatures);
            store(keysAndValues[0], cache.keys, 2);
            store(keysAndValues[1], cache.values, 2);
            // the fused op attends from L queries to the same L positions: the queries before (row, fromColumn)
            // are zeros whose outputs are dropped; each query's output depends on its own row only
            int first = row * width + fromColumn;
            Variable queries = attention.queries(queryFeatures).pad(new int[] {0, 0, first, 0}, new int[4], 0f);
            Variable out = attention.attend(queries, upToRow(cache.keys), upToRow(cache.values))
                    .slice(2, first, (row + 1) * width);
            return attention.mergeHeads(out, 1, width - fromColumn);
        }

        /** Rows 0 .. row of the cached [1, heads, W, d] rows of every grid, as [n, heads, (row + 1) W, d]. */
        private Variable upToRow(Variable[][] cached) {
            List<Variable> pieces = new ArrayList<>(ids.length * (row + 1));
            for (int g : ids) {
                pieces.addAll(Arrays.asList(cached[g]).subList(0, row + 1));
            }
            Variable first = pieces.get(0);
            int heads = first.dim(1);
            int depth = first.dim(3);
            return Variable.concat(pieces, 0).reshape(ids.length, row + 1, heads, width, depth)
                    .permute(0, 2, 1, 3, 4).reshape(ids.length, heads, (row + 1) * width, depth);
        }

        /**
         * Stores row {@code row} of each grid: slice i of {@code columns} along the batch axis, the columns
         * [fromColumn, W) along {@code axis} (3 for a [n, C, 1, W - fromColumn] feature row, 2 for a
         * [n, heads, W - fromColumn, d] key or value row), after the cached row's columns before fromColumn.
         */
        private void store(Variable columns, Variable[][] cache, int axis) {
            for (int i = 0; i < ids.length; i++) {
                Variable own = columns.slice(0, i, i + 1);
                cache[ids[i]][row] = fromColumn == 0 ? own
                        : Variable.concat(List.of(cache[ids[i]][row].slice(axis, 0, fromColumn), own), axis);
            }
        }
    }
}
