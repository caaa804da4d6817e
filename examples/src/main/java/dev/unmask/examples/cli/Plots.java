package dev.unmask.examples.cli;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Locale;

/** Evaluation plots drawn with plain Java2D: curves on the unit square and score histograms. */
final class Plots {
    /** Side of the plotting area in pixels. */
    static final int AREA = 400;
    /** Blank border around the plotting area, room for the title and the axis labels. */
    static final int MARGIN = 50;
    static final Color REAL = new Color(40, 90, 200);
    static final Color FAKE = new Color(200, 40, 40);
    static final Color THRESHOLD = Color.BLACK;

    private Plots() {
    }

    /** A unit-square line plot of (x, y) with axis labels. */
    static BufferedImage curve(String title, String xLabel, String yLabel, double[] x, double[] y) {
        BufferedImage image = blank();
        Graphics2D g = image.createGraphics();
        try {
            frame(g, title, xLabel, yLabel, "0", "1", "1");
            g.setColor(FAKE);
            g.setStroke(new BasicStroke(2f));
            for (int i = 1; i < x.length; i++) {
                g.drawLine(MARGIN + (int) Math.round(x[i - 1] * AREA), MARGIN + AREA - (int) Math.round(y[i - 1] * AREA),
                        MARGIN + (int) Math.round(x[i] * AREA), MARGIN + AREA - (int) Math.round(y[i] * AREA));
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * The real and fake counts as overlapping translucent bars (heights relative to the largest count) and
     * the threshold as a vertical line at column {@link #thresholdColumn}.
     */
    static BufferedImage histogram(String title, ScoreHistogram h) {
        BufferedImage image = blank();
        Graphics2D g = image.createGraphics();
        try {
            int max = 1;
            for (int b = 0; b < h.bins(); b++) {
                max = Math.max(max, Math.max(h.realCounts()[b], h.fakeCounts()[b]));
            }
            frame(g, title, "score", "count", format(h.low()), format(h.high()), String.valueOf(max));
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.5f));
            for (int b = 0; b < h.bins(); b++) {
                int x0 = MARGIN + b * AREA / h.bins();
                int x1 = MARGIN + (b + 1) * AREA / h.bins();
                bar(g, REAL, x0, x1, h.realCounts()[b], max);
                bar(g, FAKE, x0, x1, h.fakeCounts()[b], max);
            }
            g.setComposite(AlphaComposite.SrcOver);
            int x = thresholdColumn(h);
            g.setColor(THRESHOLD);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
            g.drawLine(x, MARGIN, x, MARGIN + AREA);
            g.drawString("threshold " + format(h.threshold()), Math.min(x + 4, MARGIN + AREA - 100), MARGIN + 14);
            g.setColor(REAL);
            g.drawString("real", MARGIN + AREA - 60, MARGIN + 30);
            g.setColor(FAKE);
            g.drawString("fake", MARGIN + AREA - 60, MARGIN + 46);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The image column of the threshold line. */
    static int thresholdColumn(ScoreHistogram h) {
        return MARGIN + (int) Math.round((h.threshold() - h.low()) / (h.high() - h.low()) * AREA);
    }

    private static void bar(Graphics2D g, Color colour, int x0, int x1, int count, int max) {
        int height = (int) Math.round((double) count / max * AREA);
        g.setColor(colour);
        g.fillRect(x0, MARGIN + AREA - height, Math.max(1, x1 - x0 - 1), height);
    }

    private static BufferedImage blank() {
        BufferedImage image = new BufferedImage(AREA + 2 * MARGIN, AREA + 2 * MARGIN, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.dispose();
        return image;
    }

    private static void frame(Graphics2D g, String title, String xLabel, String yLabel, String xLow, String xHigh, String yHigh) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.drawRect(MARGIN, MARGIN, AREA, AREA);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(title, MARGIN, MARGIN - 15);
        g.drawString(xLabel, MARGIN + AREA / 2 - 50, MARGIN + AREA + 35);
        g.drawString(yLabel, 5, MARGIN - 2);
        g.drawString(xLow, MARGIN - 12, MARGIN + AREA + 15);
        g.drawString(xHigh, MARGIN + AREA - 4 * xHigh.length(), MARGIN + AREA + 15);
        g.drawString(yHigh, Math.max(0, MARGIN - 8 * yHigh.length() - 4), MARGIN + 14);
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
