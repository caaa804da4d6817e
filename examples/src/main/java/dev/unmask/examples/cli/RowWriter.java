package dev.unmask.examples.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.unmask.DetectionRow;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.Closeable;
import java.io.IOException;
import java.io.FilterWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Streams {@link DetectionRow}s to CSV (RFC 4180 through Commons CSV: fields with commas, quotes, carriage
 * returns or newlines are quoted) or to a JSON array of objects, one row as soon as it is computed, so a run
 * that fails part-way keeps what it did. The output is opened before any work starts, so an unwritable path
 * fails at once. {@code -} is standard output (CSV).
 */
final class RowWriter implements Closeable {
    private final CSVPrinter csv;
    private final JsonGenerator json;
    private final String target;
    private int rows;

    private RowWriter(CSVPrinter csv, JsonGenerator json, String target) {
        this.csv = csv;
        this.json = json;
        this.target = target;
    }

    /**
     * Opens {@code output} ({@code .csv}, {@code .json}, or {@code -} for standard output).
     *
     * @throws IllegalArgumentException when the name has another extension or names one of {@code protectedFiles}
     *     (inputs, the model)
     * @throws IOException when it cannot be created
     */
    static RowWriter open(String output, Writer stdout, List<Path> protectedFiles) throws IOException {
        if (output.equals("-")) {
            return csv(new FilterWriter(stdout) {
                @Override
                public void close() throws IOException {
                    flush();  // never close standard output
                }
            }, "standard output");
        }
        Path file = Path.of(output);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean isJson = name.endsWith(".json");
        if (!isJson && !name.endsWith(".csv")) {
            throw new IllegalArgumentException("--output must end in .csv or .json (or be - for standard output), got "
                    + output);
        }
        OutputFiles.refuseOverwriting(file, protectedFiles);
        OutputFiles.createParent(file);
        if (isJson) {
            JsonGenerator generator = new JsonFactory().createGenerator(file.toFile(), JsonEncoding.UTF8);
            generator.useDefaultPrettyPrinter();
            generator.writeStartArray();
            return new RowWriter(null, generator, file.toString());
        }
        return csv(Files.newBufferedWriter(file, StandardCharsets.UTF_8), file.toString());
    }

    private static RowWriter csv(Writer out, String target) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader(DetectionRow.COLUMNS.toArray(String[]::new))
                .setRecordSeparator('\n').get();
        return new RowWriter(new CSVPrinter(out, format), null, target);
    }

    /** Writes one row and flushes it. */
    void write(DetectionRow row) {
        try {
            List<String> values = row.values();
            if (csv != null) {
                csv.printRecord(values);
                csv.flush();
            } else {
                json.writeStartObject();
                for (int i = 0; i < values.size(); i++) {
                    String column = DetectionRow.COLUMNS.get(i);
                    String value = values.get(i);
                    if (value.isEmpty()) {
                        json.writeNullField(column);
                    } else if (isNumeric(column)) {
                        json.writeFieldName(column);
                        json.writeNumber(value);
                    } else {
                        json.writeStringField(column, value);
                    }
                }
                json.writeEndObject();
                json.flush();
            }
            rows++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + target + ": " + e.getMessage(), e);
        }
    }

    private static boolean isNumeric(String column) {
        return column.equals("frame") || column.equals("track") || column.startsWith("box_") || column.endsWith("_score");
    }

    int rows() {
        return rows;
    }

    String target() {
        return target;
    }

    /** Ends the document (the JSON array) and closes the file; standard output stays open. */
    @Override
    public void close() throws IOException {
        if (csv != null) {
            csv.close(true);
        } else {
            json.writeEndArray();
            json.close();
        }
    }
}
