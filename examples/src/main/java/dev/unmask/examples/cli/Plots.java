package dev.unmask.examples.cli;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The evaluation plots, drawn with XChart (axes with ticks and labels, grid, legends), written as PNG and SVG. */
final class Plots {
    static final int WIDTH = 560;
    static final int HEIGHT = 440;
    /** Width of a video's timeline: time runs along it. */
    static final int TIMELINE_WIDTH = 880;
    static final Color REAL = new Color(40, 90, 200);
    static final Color FAKE = new Color(200, 40, 40);
    static final Color THRESHOLD = Color.BLACK;
    static final Color CHANCE = Color.GRAY;

    private Plots() {
    }

    private static XYChart chart(String title, String xLabel, String yLabel) {
        return chart(WIDTH, title, xLabel, yLabel);
    }

    private static XYChart chart(int width, String title, String xLabel, String yLabel) {
        XYChart chart = new XYChartBuilder().width(width).height(HEIGHT).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        XYStyler style = chart.getStyler();
        style.setChartBackgroundColor(Color.WHITE);
        style.setPlotGridLinesVisible(true);
        style.setLegendVisible(true);
        style.setMarkerSize(0);
        return chart;
    }

    private static void unitSquare(XYChart chart) {
        XYStyler style = chart.getStyler();
        style.setXAxisMin(0.0);
        style.setXAxisMax(1.0);
        style.setYAxisMin(0.0);
        style.setYAxisMax(1.0);
    }

    private static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color colour) {
        XYSeries series = chart.addSeries(name, x, y);
        series.setLineColor(colour);
        series.setMarker(SeriesMarkers.NONE);
        return series;
    }

    /** The ROC curve with the chance diagonal. */
    static XYChart roc(String title, double[] falsePositiveRates, double[] truePositiveRates) {
        XYChart chart = chart(title, "false positive rate", "true positive rate");
        unitSquare(chart);
        line(chart, "detector", falsePositiveRates, truePositiveRates, FAKE);
        line(chart, "chance", new double[] {0, 1}, new double[] {0, 1}, CHANCE)
                .setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        return chart;
    }

    /** The precision-recall curve with the share of positives, a chance classifier's precision. */
    static XYChart precisionRecall(String title, double[] recall, double[] precision, double positiveShare) {
        XYChart chart = chart(title, "recall", "precision");
        unitSquare(chart);
        line(chart, "detector", recall, precision, FAKE);
        line(chart, "chance", new double[] {0, 1}, new double[] {positiveShare, positiveShare}, CHANCE);
        return chart;
    }

    /**
     * The real and fake scores as densities over the histogram's bins (each class integrates to 1, so classes of
     * different sizes compare), drawn as steps, and the threshold as a vertical line.
     */
    static XYChart histogram(String title, String xLabel, ScoreHistogram h) {
        XYChart chart = chart(title, xLabel, "density");
        int bins = h.bins();
        double width = (h.high() - h.low()) / bins;
        double[] edges = new double[2 * bins];
        for (int i = 0; i < bins; i++) {
            edges[2 * i] = h.low() + i * width;
            edges[2 * i + 1] = h.low() + (i + 1) * width;
        }
        double[] real = density(h.realCounts(), width);
        double[] fake = density(h.fakeCounts(), width);
        double top = 0;
        for (int i = 0; i < real.length; i++) {
            top = Math.max(top, Math.max(real[i], fake[i]));
        }
        if (sum(h.realCounts()) > 0) {
            line(chart, "real", edges, real, REAL);
        }
        if (sum(h.fakeCounts()) > 0) {
            line(chart, "fake", edges, fake, FAKE);
        }
        line(chart, "threshold", new double[] {h.threshold(), h.threshold()}, new double[] {0, Math.max(top, 1e-9)}, THRESHOLD);
        return chart;
    }

    /** Points {x, y} coloured by class ({@code fake[i]}), as markers without lines: a latent-space scatter. */
    static XYChart scatter(String title, String xLabel, String yLabel, double[][] points, boolean[] fake) {
        XYChart chart = chart(title, xLabel, yLabel);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(5);
        for (boolean cls : new boolean[] {false, true}) {
            int count = 0;
            for (boolean f : fake) {
                count += f == cls ? 1 : 0;
            }
            if (count == 0) {
                continue;
            }
            double[] x = new double[count];
            double[] y = new double[count];
            int at = 0;
            for (int i = 0; i < fake.length; i++) {
                if (fake[i] == cls) {
                    x[at] = points[0][i];
                    y[at++] = points[1][i];
                }
            }
            XYSeries series = chart.addSeries(cls ? "fake" : "real", x, y);
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setMarkerColor(cls ? FAKE : REAL);
        }
        return chart;
    }

    // the step curve's heights: each bin's density repeated at both of its edges
    private static double[] density(int[] counts, double width) {
        long total = sum(counts);
        double[] out = new double[2 * counts.length];
        for (int i = 0; i < counts.length; i++) {
            double d = total == 0 ? 0 : counts[i] / (total * width);
            out[2 * i] = d;
            out[2 * i + 1] = d;
        }
        return out;
    }

    private static long sum(int[] counts) {
        long s = 0;
        for (int c : counts) {
            s += c;
        }
        return s;
    }

    /**
     * A video's frame scores over time (the most suspicious face of each frame with a face, as points joined by a
     * line) and the decision threshold of normalised scores, 0.5, as a horizontal line; only the threshold when no
     * frame had a face.
     */
    static XYChart timeline(String title, double[] seconds, double[] scores) {
        XYChart chart = chart(TIMELINE_WIDTH, title, "time (s)", "frame score (most suspicious face)");
        XYStyler style = chart.getStyler();
        style.setYAxisMin(0.0);
        style.setYAxisMax(1.0);
        style.setMarkerSize(6);
        if (seconds.length > 0) {
            XYSeries frames = chart.addSeries("frames", seconds, scores);
            frames.setLineColor(FAKE);
            frames.setMarkerColor(FAKE);
            frames.setMarker(SeriesMarkers.CIRCLE);
        }
        double start = seconds.length == 0 ? 0 : seconds[0];
        double end = seconds.length == 0 ? 1 : Math.max(seconds[seconds.length - 1], start + 1e-3);
        line(chart, "threshold", new double[] {start, end}, new double[] {0.5, 0.5}, THRESHOLD);
        return chart;
    }

    /** Writes {@code file} (a PNG). */
    static void writePng(XYChart chart, Path file) {
        try {
            BitmapEncoder.saveBitmap(chart, file.toString().replaceFirst("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plot " + file + ": " + e.getMessage(), e);
        }
    }

    static BufferedImage image(XYChart chart) {
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Writes {@code base.png} and {@code base.svg}. */
    static void write(XYChart chart, Path base) {
        try {
            BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
            VectorGraphicsEncoder.saveVectorGraphic(chart, base.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plot " + base + ": " + e.getMessage(), e);
        }
    }
}
