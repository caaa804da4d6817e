package dev.unmask.models.pixelsnail;

import dev.unmask.autograd.NoGrad;
import dev.unmask.backend.Backends;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Row-by-row logits against the oracle {@link PixelSnail#logits} (teacher forcing over the whole grid). They
 * are compared bit for bit: on the CPU backend every op computes an output element in an order that does
 * not depend on how many rows the band has (convolutions and matrix products sum over the same depth in the
 * same blocks, the fused attention walks a query's keys from key 0), so no tolerance is needed; a failure
 * here means a row sees something other than what the full forward sees.
 */
class IncrementalPixelSnailTest {
    private static PixelSnail model(PixelSnailConfig config, long seed) {
        PixelSnail model = new PixelSnail(config, new ParameterInit(Backends.defaultBackend(), seed));
        model.eval();
        return model;
    }

    private static Tensor codes(int[] values, PixelSnailConfig c, int batch) {
        return Backends.defaultBackend().fromInts(values, Shape.of(batch, c.height(), c.width()));
    }

    private static int[] random(PixelSnailConfig c, int batch, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] values = new int[batch * c.height() * c.width()];
        Arrays.setAll(values, i -> rng.nextInt(c.classes()));
        return values;
    }

    private static float[] fullLogits(PixelSnail model, Tensor codes) {
        try (NoGrad scope = NoGrad.enter()) {
            return model.logits(codes).value().toFloatArray();
        }
    }

    /** Row {@code row} of grid {@code b} of full logits [B, K, H, W] from column {@code from} on, as [K, W - from]. */
    private static float[] row(float[] logits, PixelSnailConfig c, int b, int row, int from) {
        int columns = c.width() - from;
        float[] out = new float[c.classes() * columns];
        for (int k = 0; k < c.classes(); k++) {
            System.arraycopy(logits, ((b * c.classes() + k) * c.height() + row) * c.width() + from, out, k * columns,
                    columns);
        }
        return out;
    }

    /** Grid i of incremental logits [n, K, columns]. */
    private static float[] part(float[] rowLogits, PixelSnailConfig c, int i, int columns) {
        int size = c.classes() * columns;
        return Arrays.copyOfRange(rowLogits, i * size, (i + 1) * size);
    }

    @Test
    void everyRowEqualsTheFullForwardBitForBit() {
        PixelSnailConfig[] configs = {
                new PixelSnailConfig(5, 7, 6, 8, 5, 2, 2, 6, true, 0.1, 2),
                new PixelSnailConfig(5, 7, 6, 8, 3, 2, 1, 4, false, 0, 1),
                new PixelSnailConfig(4, 3, 5, 4, 3, 2, 0, 4, true, 0, 1),
                new PixelSnailConfig(6, 1, 4, 4, 5, 1, 2, 4, true, 0, 2),
                new PixelSnailConfig(1, 6, 4, 4, 3, 1, 1, 4, true, 0, 1)};
        for (int n = 0; n < configs.length; n++) {
            PixelSnailConfig c = configs[n];
            PixelSnail model = model(c, 40 + n);
            int batch = 3;
            Tensor codes = codes(random(c, batch, 50 + n), c, batch);
            float[] full = fullLogits(model, codes);
            IncrementalPixelSnail rows = model.incremental(batch);
            for (int y = 0; y < c.height(); y++) {
                Tensor logits = rows.rowLogits(y, 0, new int[] {0, 1, 2}, codes);
                assertEquals(Shape.of(batch, c.classes(), c.width()), logits.shape());
                float[] values = logits.toFloatArray();
                for (int b = 0; b < batch; b++) {
                    assertArrayEquals(row(full, c, b, y, 0), part(values, c, b, c.width()),
                            c + ", grid " + b + ", row " + y);
                }
            }
            assertEquals((long) batch * c.height(), rows.rowForwards());
        }
    }

    /**
     * Grids advance separately; codes change inside the current row (then the row is computed again from the
     * next column on, keeping the columns before) and at the end of a finished row (which needs nothing
     * recomputed); every row, whole or in part, still equals the full forward of the grid as it is then, so
     * the kept columns and the cached rows above were left as they should be.
     */
    @Test
    void rowsFollowCodeChangesAndGridsAdvanceSeparately() {
        PixelSnailConfig c = new PixelSnailConfig(5, 6, 7, 8, 5, 2, 1, 8, true, 0, 2);
        PixelSnail model = model(c, 60);
        int positions = c.height() * c.width();
        int[] grids = random(c, 2, 61);
        IncrementalPixelSnail rows = model.incremental(2);
        int[] swapped = new int[grids.length];
        System.arraycopy(grids, positions, swapped, 0, positions);
        System.arraycopy(grids, 0, swapped, positions, positions);
        checkRow(model, rows, 0, 0, new int[] {1, 0}, swapped, c);
        checkRow(model, rows, 1, 0, new int[] {1}, Arrays.copyOfRange(grids, positions, 2 * positions), c);
        checkRow(model, rows, 1, 0, new int[] {0}, Arrays.copyOfRange(grids, 0, positions), c);
        // codes inside row 1 of grid 0 change, each followed by row 1 from the next column; then row 2
        for (int x : new int[] {2, 4, 0}) {
            grids[c.width() + x] = (grids[c.width() + x] + 3) % c.classes();
            checkRow(model, rows, 1, x + 1, new int[] {0}, Arrays.copyOfRange(grids, 0, positions), c);
        }
        int[] grid0 = Arrays.copyOfRange(grids, 0, positions);
        checkRow(model, rows, 2, 0, new int[] {0}, grid0, c);
        // the last code of row 2 changes: no activation of row 2 depends on it, row 3 reads it
        grids[3 * c.width() - 1] = (grids[3 * c.width() - 1] + 1) % c.classes();
        checkRow(model, rows, 3, 0, new int[] {0}, Arrays.copyOfRange(grids, 0, positions), c);
        checkRow(model, rows, 2, 0, new int[] {1}, Arrays.copyOfRange(grids, positions, 2 * positions), c);
        // both grids change in their current row and go on from the same column in one call
        grids[3 * c.width() + 1] = (grids[3 * c.width() + 1] + 2) % c.classes();
        grids[positions + 2 * c.width() + 1] = (grids[positions + 2 * c.width() + 1] + 2) % c.classes();
        checkRow(model, rows, 3, 2, new int[] {0}, Arrays.copyOfRange(grids, 0, positions), c);
        checkRow(model, rows, 2, 2, new int[] {1}, Arrays.copyOfRange(grids, positions, 2 * positions), c);
        checkRow(model, rows, 4, 0, new int[] {0}, Arrays.copyOfRange(grids, 0, positions), c);
        assertEquals(13, rows.rowForwards());
    }

    private static void checkRow(PixelSnail model, IncrementalPixelSnail rows, int y, int from, int[] ids, int[] values,
                                 PixelSnailConfig c) {
        Tensor codes = codes(values, c, ids.length);
        float[] full = fullLogits(model, codes);
        Tensor logits = rows.rowLogits(y, from, ids, codes);
        assertEquals(Shape.of(ids.length, c.classes(), c.width() - from), logits.shape());
        float[] values2 = logits.toFloatArray();
        for (int i = 0; i < ids.length; i++) {
            assertArrayEquals(row(full, c, i, y, from), part(values2, c, i, c.width() - from),
                    "grid " + ids[i] + ", row " + y + " from column " + from);
        }
    }

    @Test
    void misuseIsRejectedWithAClearMessage() {
        PixelSnailConfig c = new PixelSnailConfig(4, 4, 5, 4, 3, 1, 1, 4, true, 0, 1);
        PixelSnail model = model(c, 70);
        int[] values = random(c, 1, 71);
        Tensor codes = codes(values, c, 1);
        IncrementalPixelSnail rows = model.incremental(2);
        assertTrue(assertThrows(IllegalStateException.class, () -> rows.rowLogits(1, 0, new int[] {0}, codes))
                .getMessage().contains("computed first"));
        assertThrows(IllegalStateException.class, () -> rows.rowLogits(0, 1, new int[] {0}, codes),
                "a row goes on from a column only once computed");
        rows.rowLogits(0, 0, new int[] {0}, codes);
        rows.rowLogits(1, 0, new int[] {0}, codes);
        int[] changed = values.clone();
        changed[1] = (changed[1] + 1) % c.classes();
        Tensor changedCodes = codes(changed, c, 1);
        assertTrue(assertThrows(IllegalStateException.class, () -> rows.rowLogits(2, 0, new int[] {0}, changedCodes))
                .getMessage().contains("changed since"));
        assertThrows(IllegalStateException.class, () -> rows.rowLogits(0, 3, new int[] {0}, changedCodes),
                "column 2 would be kept, but it depends on the changed code at column 1");
        rows.rowLogits(0, 2, new int[] {0}, changedCodes);
        rows.rowLogits(0, 0, new int[] {0}, codes);
        assertThrows(IllegalStateException.class, () -> rows.rowLogits(2, 0, new int[] {0}, codes),
                "recomputing row 0 discards row 1");
        assertThrows(IllegalArgumentException.class, () -> rows.rowLogits(0, 0, new int[] {2}, codes));
        assertThrows(IllegalArgumentException.class, () -> rows.rowLogits(4, 0, new int[] {0}, codes));
        assertThrows(IllegalArgumentException.class, () -> rows.rowLogits(0, 4, new int[] {0}, codes));
        assertThrows(IllegalArgumentException.class, () -> rows.rowLogits(0, 0, new int[] {0, 1}, codes));
        model.train();
        assertThrows(IllegalStateException.class, () -> model.incremental(1));
    }
}
