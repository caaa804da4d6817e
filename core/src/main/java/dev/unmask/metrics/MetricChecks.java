package dev.unmask.metrics;

import java.util.List;

/** Argument checks shared by the metrics, so that they all reject the same inputs with the same messages. */
final class MetricChecks {
    private MetricChecks() {
    }

    static void requireScoresAndLabels(double[] scores, boolean[] labels) {
        requireSameNonZeroLength(scores == null ? -1 : scores.length, labels == null ? -1 : labels.length);
        requireFinite("scores", scores);
    }

    static void requireScoresAndLabels(float[] scores, boolean[] labels) {
        requireSameNonZeroLength(scores == null ? -1 : scores.length, labels == null ? -1 : labels.length);
        for (int i = 0; i < scores.length; i++) {
            if (!Float.isFinite(scores[i])) {
                throw new IllegalArgumentException("scores[" + i + "] is " + scores[i] + "; scores must be finite");
            }
        }
    }

    /** Checks maps and masks pairwise and returns the total number of pixels. */
    static int requireMapsAndMasks(List<float[]> maps, List<boolean[]> masks) {
        if (maps == null || masks == null) {
            throw new IllegalArgumentException("maps and masks must not be null");
        }
        if (maps.size() != masks.size()) {
            throw new IllegalArgumentException("got " + maps.size() + " maps but " + masks.size() + " masks");
        }
        long total = 0;
        for (int m = 0; m < maps.size(); m++) {
            float[] map = maps.get(m);
            boolean[] mask = masks.get(m);
            if (map == null || mask == null) {
                throw new IllegalArgumentException("map or mask " + m + " is null");
            }
            if (map.length != mask.length) {
                throw new IllegalArgumentException("map " + m + " has " + map.length + " pixels but its mask has " + mask.length);
            }
            for (int i = 0; i < map.length; i++) {
                if (!Float.isFinite(map[i])) {
                    throw new IllegalArgumentException("map " + m + " pixel " + i + " is " + map[i] + "; scores must be finite");
                }
            }
            total += map.length;
        }
        if (total == 0) {
            throw new IllegalArgumentException("maps hold no pixels");
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maps hold " + total + " pixels, more than 2^31-1");
        }
        return (int) total;
    }

    static void requireFinite(String name, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] is " + values[i] + "; " + name + " must be finite");
            }
        }
    }

    static void requireFinite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " is " + value + "; it must be finite");
        }
    }

    static void requireNonEmpty(String name, double[] values) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException(name + " is " + (values == null ? "null" : "empty"));
        }
    }

    private static void requireSameNonZeroLength(int scores, int labels) {
        if (scores < 0 || labels < 0) {
            throw new IllegalArgumentException("scores and labels must not be null");
        }
        if (scores != labels) {
            throw new IllegalArgumentException("got " + scores + " scores but " + labels + " labels");
        }
        if (scores == 0) {
            throw new IllegalArgumentException("scores and labels are empty");
        }
    }
}
