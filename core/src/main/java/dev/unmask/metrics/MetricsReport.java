package dev.unmask.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The usual summary of a detector on one set of samples: threshold-free metrics (AUROC, AP, EER, F1-max)
 * and metrics at a decision threshold. Unlike the functions it summarises, a report never throws for a
 * single-class set, because per-group subsets often are one: a value that is undefined for the set is NaN
 * (AUROC, EER and its threshold without both classes; AP, F1-max and its threshold without positives).
 * Metrics at the threshold are always defined (zero denominators give 0).
 *
 * @param samples            n
 * @param positives          P, samples labelled fake
 * @param negatives          N, samples labelled real
 * @param auroc              {@link ThresholdSweep#auroc()}
 * @param averagePrecision   {@link ThresholdSweep#averagePrecision()}
 * @param equalErrorRate     {@link ThresholdSweep#equalErrorRate()} rate
 * @param eerThreshold       {@link ThresholdSweep#equalErrorRate()} threshold
 * @param f1Max              {@link ThresholdSweep#f1Max()} F1
 * @param f1MaxThreshold     {@link ThresholdSweep#f1Max()} threshold
 * @param threshold          the decision threshold the following are taken at ({@code score >= threshold})
 * @param accuracy           {@link ConfusionCounts#accuracy()}
 * @param precision          {@link ConfusionCounts#precision()}
 * @param recall             {@link ConfusionCounts#recall()}
 * @param f1                 {@link ConfusionCounts#f1()}
 */
public record MetricsReport(long samples, long positives, long negatives,
                            double auroc, double averagePrecision, double equalErrorRate, double eerThreshold,
                            double f1Max, double f1MaxThreshold,
                            double threshold, double accuracy, double precision, double recall, double f1) {

    /** The report for {@code scores} and {@code labels} (equal length n >= 1, finite scores) at {@code threshold}. */
    public static MetricsReport of(double[] scores, boolean[] labels, double threshold) {
        ThresholdSweep sweep = ThresholdSweep.of(scores, labels);
        ConfusionCounts counts = ConfusionCounts.at(scores, labels, threshold);
        boolean hasPositives = sweep.positives() > 0;
        boolean bothClasses = hasPositives && sweep.negatives() > 0;
        EqualErrorRate eer = bothClasses ? sweep.equalErrorRate() : new EqualErrorRate(Double.NaN, Double.NaN);
        BestF1 best = hasPositives ? sweep.f1Max() : new BestF1(Double.NaN, Double.NaN);
        return new MetricsReport(scores.length, sweep.positives(), sweep.negatives(),
                bothClasses ? sweep.auroc() : Double.NaN,
                hasPositives ? sweep.averagePrecision() : Double.NaN,
                eer.rate(), eer.threshold(), best.f1(), best.threshold(),
                threshold, counts.accuracy(), counts.precision(), counts.recall(), counts.f1());
    }

    /**
     * One report per group key, sorted by key. {@code groupKeys[i]} is the group of sample i (e.g. the
     * manipulation method or a difficulty level); a {@code null} key marks a sample that belongs to every
     * group. That is how per-method scores are usually reported for FaceForensics++: the real videos have no
     * method, so each method's report holds its own fakes and all the reals. All arrays have length n.
     */
    public static Map<String, MetricsReport> perGroup(double[] scores, boolean[] labels, String[] groupKeys, double threshold) {
        MetricChecks.requireScoresAndLabels(scores, labels);
        if (groupKeys == null || groupKeys.length != scores.length) {
            throw new IllegalArgumentException("got " + scores.length + " scores but "
                    + (groupKeys == null ? "no" : String.valueOf(groupKeys.length)) + " group keys");
        }
        Map<String, List<Integer>> members = new TreeMap<>();
        List<Integer> shared = new ArrayList<>();
        for (int i = 0; i < groupKeys.length; i++) {
            if (groupKeys[i] == null) {
                shared.add(i);
            } else {
                members.computeIfAbsent(groupKeys[i], key -> new ArrayList<>()).add(i);
            }
        }
        Map<String, MetricsReport> reports = new TreeMap<>();
        for (Map.Entry<String, List<Integer>> group : members.entrySet()) {
            List<Integer> indices = new ArrayList<>(group.getValue());
            indices.addAll(shared);
            double[] groupScores = new double[indices.size()];
            boolean[] groupLabels = new boolean[indices.size()];
            for (int j = 0; j < indices.size(); j++) {
                groupScores[j] = scores[indices.get(j)];
                groupLabels[j] = labels[indices.get(j)];
            }
            reports.put(group.getKey(), of(groupScores, groupLabels, threshold));
        }
        return reports;
    }

    /**
     * A fixed-width text table, one row per entry in the map's iteration order, headed
     * {@code group n pos neg AUROC AP EER F1max F1max_t thresh acc prec recall F1}; NaN prints as "-".
     */
    public static String formatTable(Map<String, MetricsReport> reports) {
        int width = "group".length();
        for (String key : reports.keySet()) {
            width = Math.max(width, key.length());
        }
        String[] header = {"n", "pos", "neg", "AUROC", "AP", "EER", "F1max", "F1max_t", "thresh", "acc", "prec", "recall", "F1"};
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", "group"));
        for (String h : header) {
            out.append(String.format(Locale.ROOT, " %8s", h));
        }
        out.append('\n');
        for (Map.Entry<String, MetricsReport> row : reports.entrySet()) {
            MetricsReport r = row.getValue();
            out.append(String.format(Locale.ROOT, "%-" + width + "s %8d %8d %8d", row.getKey(), r.samples, r.positives, r.negatives));
            double[] values = {r.auroc, r.averagePrecision, r.equalErrorRate, r.f1Max, r.f1MaxThreshold,
                r.threshold, r.accuracy, r.precision, r.recall, r.f1};
            for (double v : values) {
                out.append(Double.isNaN(v) ? String.format(Locale.ROOT, " %8s", "-") : String.format(Locale.ROOT, " %8.4f", v));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
