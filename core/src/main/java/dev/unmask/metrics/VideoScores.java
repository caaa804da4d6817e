package dev.unmask.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Video-level scores from frame-level ones: a video's score is the mean of its frames' scores, its label
 * the (shared) label of its frames. Video-level metrics are then the ordinary metrics on these arrays,
 * e.g. {@code MetricsReport.of(v.scores(), v.labels(), t)} or {@code BinaryMetrics.auroc(v.scores(), v.labels())}.
 * All four arrays have one entry per video, in the order of each video's first frame. The arrays belong to
 * this record; they are not copied.
 *
 * @param videoIds    the distinct video ids
 * @param scores      mean frame score of each video
 * @param labels      label of each video
 * @param frameCounts number of frames of each video
 */
public record VideoScores(String[] videoIds, double[] scores, boolean[] labels, int[] frameCounts) {

    /**
     * Groups frames by {@code videoIds[i]} and averages their scores. {@code frameScores},
     * {@code frameLabels} and {@code videoIds} have equal length n >= 1; scores are finite, ids non-null, and
     * all frames of one video must carry the same label.
     */
    public static VideoScores meanOfFrames(double[] frameScores, boolean[] frameLabels, String[] videoIds) {
        MetricChecks.requireScoresAndLabels(frameScores, frameLabels);
        if (videoIds == null || videoIds.length != frameScores.length) {
            throw new IllegalArgumentException("got " + frameScores.length + " frame scores but "
                    + (videoIds == null ? "no" : String.valueOf(videoIds.length)) + " video ids");
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        List<Boolean> labels = new ArrayList<>();
        double[] sums = new double[frameScores.length];
        int[] counts = new int[frameScores.length];
        for (int i = 0; i < frameScores.length; i++) {
            String id = videoIds[i];
            if (id == null) {
                throw new IllegalArgumentException("video id of frame " + i + " is null");
            }
            Integer v = index.get(id);
            if (v == null) {
                v = index.size();
                index.put(id, v);
                labels.add(frameLabels[i]);
            } else if (labels.get(v) != frameLabels[i]) {
                throw new IllegalArgumentException("video '" + id + "' has frames labelled both real and fake (frame " + i + ")");
            }
            sums[v] += frameScores[i];
            counts[v]++;
        }
        int videos = index.size();
        double[] means = new double[videos];
        boolean[] videoLabels = new boolean[videos];
        for (int v = 0; v < videos; v++) {
            means[v] = sums[v] / counts[v];
            videoLabels[v] = labels.get(v);
        }
        return new VideoScores(index.keySet().toArray(new String[0]), means, videoLabels, Arrays.copyOf(counts, videos));
    }
}
