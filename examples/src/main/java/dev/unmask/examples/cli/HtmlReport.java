package dev.unmask.examples.cli;

import dev.unmask.metrics.MetricsReport;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page, written by {@code evaluate} and {@code demo}: headings, paragraphs, tables and
 * images, the images embedded as base64 PNG data so that the one file can be moved or mailed. Table cells
 * are {@link Double} (4 decimals, NaN as "-"), {@link Number} (as is), {@link BufferedImage} (embedded)
 * or anything else as escaped text.
 */
final class HtmlReport {
    /** The metric columns of {@link #metrics}, those of {@link MetricsReport#formatTable} without "group". */
    static final List<String> METRIC_COLUMNS = List.of("n", "pos", "neg", "AUROC", "AP", "EER", "F1max", "F1max_t",
            "thresh", "acc", "prec", "recall", "F1");

    private final StringBuilder body = new StringBuilder();
    private final String title;

    HtmlReport(String title) {
        this.title = title;
        heading(1, title);
    }

    HtmlReport heading(int level, String text) {
        body.append("<h").append(level).append('>').append(escape(text)).append("</h").append(level).append(">\n");
        return this;
    }

    HtmlReport paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    /** A two-column table of names and values (settings, thresholds, costs). */
    HtmlReport keyValues(String heading, Map<String, ?> values) {
        List<List<Object>> rows = new ArrayList<>();
        values.forEach((k, v) -> rows.add(List.of(k, v)));
        return table(heading, List.of(), rows);
    }

    /** One row per group, the columns of {@link #METRIC_COLUMNS}, in the map's order. */
    HtmlReport metrics(String heading, Map<String, MetricsReport> reports) {
        List<String> header = new ArrayList<>();
        header.add("group");
        header.addAll(METRIC_COLUMNS);
        List<List<Object>> rows = new ArrayList<>();
        reports.forEach((group, r) -> rows.add(List.of(group, r.samples(), r.positives(), r.negatives(), r.auroc(),
                r.averagePrecision(), r.equalErrorRate(), r.f1Max(), r.f1MaxThreshold(), r.threshold(), r.accuracy(),
                r.precision(), r.recall(), r.f1())));
        return table(heading, header, rows);
    }

    /** A table under a heading (none when null) with a header row (none when empty). */
    HtmlReport table(String heading, List<String> header, List<? extends List<?>> rows) {
        if (heading != null) {
            heading(2, heading);
        }
        body.append("<table>\n");
        if (!header.isEmpty()) {
            body.append("<tr>");
            for (String h : header) {
                body.append("<th>").append(escape(h)).append("</th>");
            }
            body.append("</tr>\n");
        }
        for (List<?> row : rows) {
            body.append("<tr>");
            for (Object cell : row) {
                body.append("<td>").append(cell(cell)).append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** An embedded image with a caption. */
    HtmlReport image(String caption, BufferedImage image) {
        body.append("<figure>").append(img(image, caption)).append("<figcaption>").append(escape(caption))
                .append("</figcaption></figure>\n");
        return this;
    }

    String html() {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>\n"
                + "<style>body{font-family:sans-serif;margin:2em}td,th{padding:3px 9px;text-align:left}"
                + "figure{display:inline-block;margin:0 1em 1em 0}</style></head>\n<body>\n" + body + "</body></html>\n";
    }

    /** Writes the page (UTF-8) and returns {@code file}. */
    Path write(Path file) throws IOException {
        Files.writeString(file, html(), StandardCharsets.UTF_8);
        return file;
    }

    /** Table-cell text: {@link Double} with 4 decimals (NaN as "-"), other numbers as is. */
    static String format(Object value) {
        if (value instanceof Double d) {
            return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.4f", d);
        }
        return String.valueOf(value);
    }

    private static String cell(Object value) {
        return value instanceof BufferedImage image ? img(image, "") : escape(format(value));
    }

    private static String img(BufferedImage image, String alt) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", png)) {
                throw new IOException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a report image", e);
        }
        return "<img alt=\"" + escape(alt) + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png.toByteArray()) + "\">";
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
