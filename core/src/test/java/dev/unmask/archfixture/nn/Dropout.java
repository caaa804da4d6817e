package dev.unmask.archfixture.nn;

import dev.unmask.archfixture.data.Seeds;

/** Planted: a layer that imports the data pipeline. */
public final class Dropout {
    public long maskSeed(long key) {
        return Seeds.derive(key);
    }
}
