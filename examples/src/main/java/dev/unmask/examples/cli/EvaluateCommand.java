package dev.unmask.examples.cli;

import dev.unmask.Detection;
import dev.unmask.DetectionOptions;
import dev.unmask.Detector;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageFolder;
import dev.unmask.metrics.BinaryMetrics;
import dev.unmask.metrics.MetricsReport;
import dev.unmask.metrics.PrecisionRecallCurve;
import dev.unmask.metrics.RocCurve;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Scores a labelled folder (sub-folders real/ and fake/, or normal/ and anomalous/) and prints the metrics. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score labelled folders (real/ and fake/ under ROOT) and print AUROC, AP, EER, F1 and accuracy.")
final class EvaluateCommand implements Callable<Integer> {
    private static final int BATCH = 16;
    private static final int PLOT = 400;

    @Option(names = {"-m", "--model"}, required = true, description = "calibrated model bundle")
    Path model;

    @Parameters(index = "0", paramLabel = "ROOT", description = "folder with real/ and fake/ sub-folders")
    Path root;

    @Option(names = {"-o", "--output"}, description = "folder for roc.png and pr.png")
    Path output;

    @Override
    public Integer call() throws Exception {
        try (Detector detector = Detector.load(model)) {
            ImageFolder folder = ImageFolder.builder(root).channels(detector.channels()).build();
            int n = folder.size();
            double[] scores = new double[n];
            boolean[] labels = new boolean[n];
            List<FloatImage> batch = new ArrayList<>();
            int from = 0;
            for (int i = 0; i < n; i++) {
                labels[i] = folder.label(i) == 1;
                batch.add(detector.read(root.resolve(folder.relativePath(i))));
                if (batch.size() == BATCH || i == n - 1) {
                    List<Detection> got = detector.detectAll(batch, DetectionOptions.DEFAULTS);
                    for (int k = 0; k < got.size(); k++) {
                        scores[from + k] = got.get(k).score();
                    }
                    from += got.size();
                    batch.clear();
                    System.err.println("scored " + from + "/" + n);
                }
            }
            MetricsReport report = MetricsReport.of(scores, labels, detector.calibration().threshold().value());
            System.out.print(MetricsReport.formatTable(Map.of(root.getFileName().toString(), report)));
            if (output != null) {
                Files.createDirectories(output);
                RocCurve roc = BinaryMetrics.rocCurve(scores, labels);
                PrecisionRecallCurve pr = BinaryMetrics.precisionRecallCurve(scores, labels);
                HeatMaps.writePng(plot("ROC", "false positive rate", "true positive rate", roc.falsePositiveRates(),
                        roc.truePositiveRates()), output.resolve("roc.png"));
                HeatMaps.writePng(plot("precision-recall", "recall", "precision", pr.recall(), pr.precision()),
                        output.resolve("pr.png"));
                System.err.println("wrote " + output.resolve("roc.png") + " and " + output.resolve("pr.png"));
            }
        }
        return 0;
    }

    /** A unit-square line plot of (x, y) with axis labels, in plain Java2D. */
    static BufferedImage plot(String title, String xLabel, String yLabel, double[] x, double[] y) {
        int margin = 50;
        BufferedImage image = new BufferedImage(PLOT + 2 * margin, PLOT + 2 * margin, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.BLACK);
            g.drawRect(margin, margin, PLOT, PLOT);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.drawString(title, margin, margin - 15);
            g.drawString(xLabel, margin + PLOT / 2 - 50, margin + PLOT + 35);
            g.drawString(yLabel, 5, margin - 2);
            g.drawString("0", margin - 12, margin + PLOT + 15);
            g.drawString("1", margin + PLOT - 4, margin + PLOT + 15);
            g.drawString("1", margin - 12, margin + 5);
            g.setColor(new Color(200, 40, 40));
            g.setStroke(new BasicStroke(2f));
            for (int i = 1; i < x.length; i++) {
                g.drawLine(margin + (int) Math.round(x[i - 1] * PLOT), margin + PLOT - (int) Math.round(y[i - 1] * PLOT),
                        margin + (int) Math.round(x[i] * PLOT), margin + PLOT - (int) Math.round(y[i] * PLOT));
            }
        } finally {
            g.dispose();
        }
        return image;
    }
}
