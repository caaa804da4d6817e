package dev.unmask.detectors;

import dev.unmask.backend.BackendScope;
import dev.unmask.data.FloatImage;

import java.util.ArrayList;
import java.util.List;

/** The suspicion scores ({@link Polarity#suspicion}) of many model inputs, for choosing a {@link ScoreDecision}. */
public final class SuspicionScores {
    private SuspicionScores() {
    }

    /**
     * Scores {@code n} model inputs held as {@code n * C * H * W} values (each exactly the model's
     * {@link ScoringModel#inputSpec()}), {@code batchSize} at a time, each batch in its own backend scope.
     *
     * @throws IllegalArgumentException when the values are not whole inputs or the batch size is below 1
     */
    public static double[] of(ScoringModel model, float[] inputs, int batchSize) {
        InputSpec spec = model.inputSpec();
        int per = spec.channels() * spec.height() * spec.width();
        if (inputs.length == 0 || inputs.length % per != 0 || batchSize < 1) {
            throw new IllegalArgumentException("expected whole inputs of " + per + " values and a batch size >= 1, got "
                    + inputs.length + " values and batch " + batchSize);
        }
        int n = inputs.length / per;
        double[] out = new double[n];
        for (int start = 0; start < n; start += batchSize) {
            int count = Math.min(batchSize, n - start);
            List<FloatImage> batch = new ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                float[] data = new float[per];
                System.arraycopy(inputs, (start + k) * per, data, 0, per);
                batch.add(new FloatImage(spec.channels(), spec.height(), spec.width(), data));
            }
            try (BackendScope scope = model.backend().openScope()) {
                List<Scored> scored = model.score(batch, ScoringRequest.DEFAULTS);
                for (int k = 0; k < count; k++) {
                    out[start + k] = model.polarity().suspicion(scored.get(k).rawScore());
                }
            }
        }
        return out;
    }
}
