package dev.unmask.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the safetensors format and treats its input as hostile. Layout: an unsigned 64-bit
 * little-endian header length N, N bytes of UTF-8 JSON, then the data section. The JSON object maps
 * each tensor name to exactly {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative
 * to the data section) and may hold {@code "__metadata__"}, a string-to-string map; it may be padded
 * with trailing spaces.
 *
 * <p>Every rule is checked before any number from the file is used: the header length against
 * {@link #MAX_HEADER_BYTES} and the input's size (before anything is allocated); strict UTF-8 and strict
 * JSON (no duplicate keys, nothing after the object); each entry's dtype, shape and offsets, with
 * overflow-checked sizes; and the tensors must tile the data section exactly, without holes, overlaps or
 * trailing bytes. Any violation is a {@link SafetensorsFormatException} whose message names the problem.
 * Nothing is allocated beyond what the input actually holds.
 */
public final class SafetensorsReader {
    /** Largest accepted header, in bytes; the same limit as the safetensors reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Largest tensor this reader holds, in bytes: one Java array (VMs reserve a few header words). */
    public static final int MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8;

    /** Size of the header-length prefix. */
    static final int PREFIX_BYTES = 8;

    /** The header key holding the string-to-string metadata rather than a tensor. */
    public static final String METADATA_KEY = "__metadata__";

    /** How much of a string from the header an error message quotes. */
    private static final int MESSAGE_STRING_CHARS = 80;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private SafetensorsReader() {
    }

    /** What one header entry says about a tensor, checked against its dtype and shape. */
    private record TensorInfo(String name, SafetensorsDType dtype, int[] shape, long begin, long end) {
        String offsets() {
            return "data_offsets [" + begin + ", " + end + "]";
        }
    }

    /**
     * Reads a file. Tensor bytes are copied onto the heap rather than memory-mapped, so the file can be
     * replaced or deleted right after (a mapping would pin it on Windows until garbage collection).
     */
    public static SafetensorsContent read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(Channels.newInputStream(channel), channel.size(), file.toString());
        }
    }

    /** Reads a whole safetensors image held in memory (a bundle entry, a download). */
    public static SafetensorsContent read(byte[] bytes) throws SafetensorsFormatException {
        try {
            return read(new ByteArrayInputStream(bytes), bytes.length, "safetensors bytes");
        } catch (SafetensorsFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new AssertionError("reading a byte array cannot fail", e);
        }
    }

    /**
     * Reads a stream to its end; the stream must end exactly where the last tensor ends. It is not
     * closed. Memory grows only with the bytes the stream actually delivers.
     */
    public static SafetensorsContent read(InputStream in) throws IOException {
        return read(in, -1, "safetensors stream");
    }

    /** {@code length} is the input's size in bytes, or -1 when unknown (a stream). */
    private static SafetensorsContent read(InputStream in, long length, String source) throws IOException {
        if (length >= 0 && length < PREFIX_BYTES) {
            throw error(source, "the input is " + length + " bytes, shorter than the 8-byte header length");
        }
        byte[] prefix = in.readNBytes(PREFIX_BYTES);
        if (prefix.length < PREFIX_BYTES) {
            throw error(source, "the input ended after " + prefix.length
                    + " bytes, shorter than the 8-byte header length");
        }
        long headerLength = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw error(source, "header length " + Long.toUnsignedString(headerLength)
                    + " (bytes 0-7) exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (length >= 0 && headerLength > length - PREFIX_BYTES) {
            throw error(source, "header length " + headerLength + " (bytes 0-7) is larger than the "
                    + (length - PREFIX_BYTES) + " bytes that follow it");
        }
        byte[] header = readUpTo(in, (int) headerLength, length >= 0);
        if (header.length < headerLength) {
            throw error(source, "the input ended after " + header.length + " of the header's "
                    + headerLength + " bytes");
        }
        long dataLength = length < 0 ? -1 : length - PREFIX_BYTES - headerLength;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> infos = parseHeader(header, dataLength, metadata, source);

        Map<String, TensorEntry> entries = new LinkedHashMap<>();
        for (TensorInfo t : infos) {
            int size = (int) (t.end() - t.begin());
            byte[] data = readUpTo(in, size, length >= 0);
            if (data.length < size) {
                throw error(source, "the input ended inside tensor " + quote(t.name()) + " (" + t.offsets()
                        + ") after " + data.length + " of its " + size + " bytes");
            }
            entries.put(t.name(), TensorEntry.wrapChecked(t.name(), t.dtype(), t.shape(), data));
        }
        if (length < 0 && in.read() != -1) {
            throw error(source, "the stream goes on after the last tensor's data; the data section must end"
                    + " where the last tensor ends");
        }
        return new SafetensorsContent(metadata, entries);
    }

    /**
     * Up to {@code count} bytes. When the input's length has been checked, the array is allocated at
     * once; otherwise it grows with what arrives, so a lying header cannot make us allocate.
     */
    private static byte[] readUpTo(InputStream in, int count, boolean lengthChecked) throws IOException {
        if (!lengthChecked) {
            return in.readNBytes(count);
        }
        byte[] b = new byte[count];
        int n = in.readNBytes(b, 0, count);
        return n == count ? b : Arrays.copyOf(b, n);
    }

    /**
     * Parses and checks the header; fills {@code metadata} and returns the tensors in data order.
     * {@code dataLength} is the data section's size, or -1 when unknown.
     */
    private static List<TensorInfo> parseHeader(byte[] header, long dataLength, Map<String, String> metadata,
                                                String source) throws SafetensorsFormatException {
        String text = decodeUtf8(header, source);
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == ' ') {
            end--;
        }
        if (end == 0 || text.charAt(0) != '{') {
            throw error(source, "the header must be a JSON object starting with '{' at file offset 8"
                    + (end == 0 ? ", it is empty" : ", found " + describeChar(text.charAt(0))));
        }
        if (text.charAt(end - 1) != '}') {
            throw error(source, "the header must end with '}' padded only with spaces (0x20), found "
                    + describeChar(text.charAt(end - 1)) + " at header character " + (end - 1));
        }
        List<TensorInfo> infos = new ArrayList<>();
        try (JsonParser p = JSON.createParser(text.substring(0, end))) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                requireWellFormed(key, "a header key", source);
                p.nextToken();
                if (METADATA_KEY.equals(key)) {
                    parseMetadata(p, metadata, source);
                } else {
                    infos.add(parseEntry(p, key, dataLength, source));
                }
            }
            if (p.nextToken() != null) {
                throw error(source, "unexpected JSON after the header object at header character "
                        + p.currentTokenLocation().getCharOffset());
            }
        } catch (SafetensorsFormatException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw error(source, "the header is not valid JSON: " + e.getOriginalMessage() + " (at header character "
                    + (e.getLocation() == null ? "?" : e.getLocation().getCharOffset()) + ")", e);
        } catch (IOException e) {
            throw error(source, "cannot parse the header: " + e.getMessage(), e);
        }
        infos.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        checkLayout(infos, dataLength, source);
        return infos;
    }

    private static void parseMetadata(JsonParser p, Map<String, String> metadata, String source) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw error(source, "'" + METADATA_KEY + "' must be an object mapping strings to strings, found "
                    + describe(p));
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw error(source, "'" + METADATA_KEY + "' value of key " + quote(key) + " must be a string, found "
                        + describe(p));
            }
            requireWellFormed(key, "a metadata key", source);
            requireWellFormed(p.getText(), "the metadata value of " + quote(key), source);
            metadata.put(key, p.getText());
        }
    }

    private static TensorInfo parseEntry(JsonParser p, String name, long dataLength, String source)
            throws IOException {
        String where = "tensor " + quote(name);
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw error(source, where + ": the entry must be an object {dtype, shape, data_offsets}, found "
                    + describe(p));
        }
        SafetensorsDType dtype = null;
        int[] shape = null;
        long[] offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "dtype" -> dtype = parseDtype(p, where, source);
                case "shape" -> shape = parseShape(p, where, source);
                case "data_offsets" -> offsets = parseOffsets(p, where, source);
                default -> throw error(source, where + ": unexpected field '" + field
                        + "' (an entry has exactly dtype, shape and data_offsets)");
            }
        }
        if (dtype == null || shape == null || offsets == null) {
            String missing = dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets";
            throw error(source, where + ": missing field '" + missing + "'");
        }
        TensorInfo t = new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
        long size;
        try {
            size = TensorEntry.byteLengthExact(dtype, shape);
        } catch (ArithmeticException e) {
            throw error(source, where + ": shape " + Arrays.toString(shape) + " with dtype " + dtype
                    + " has more than 2^63-1 bytes");
        }
        if (t.begin() > t.end()) {
            throw error(source, where + ": " + t.offsets() + " end before they begin");
        }
        if (t.end() - t.begin() != size) {
            throw error(source, where + ": " + t.offsets() + " span " + (t.end() - t.begin()) + " bytes, but dtype "
                    + dtype + " and shape " + Arrays.toString(shape) + " need " + size);
        }
        if (dataLength >= 0 && t.end() > dataLength) {
            throw error(source, where + ": " + t.offsets() + " go past the end of the data section ("
                    + dataLength + " bytes)");
        }
        if (size > MAX_TENSOR_BYTES) {
            throw error(source, where + " has " + size + " bytes; this reader holds at most " + MAX_TENSOR_BYTES
                    + " bytes per tensor");
        }
        return t;
    }

    private static SafetensorsDType parseDtype(JsonParser p, String where, String source) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw error(source, where + ": dtype must be a string, found " + describe(p));
        }
        String name = p.getText();
        return SafetensorsDType.fromHeaderName(name).orElseThrow(() -> error(source, where
                + ": unsupported dtype " + quote(name) + " (supported: " + SafetensorsDType.supportedNames() + ")"));
    }

    private static int[] parseShape(JsonParser p, String where, String source) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw error(source, where + ": shape must be an array of integers, found " + describe(p));
        }
        List<Integer> dims = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            dims.add((int) nonNegative(p, Integer.MAX_VALUE, where + ": shape entry " + dims.size(), source));
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private static long[] parseOffsets(JsonParser p, String where, String source) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw error(source, where + ": data_offsets must be an array [begin, end], found " + describe(p));
        }
        long[] offsets = new long[2];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (n == 2) {
                throw error(source, where + ": data_offsets must hold exactly two integers [begin, end], found more");
            }
            offsets[n] = nonNegative(p, Long.MAX_VALUE, where + ": data_offsets entry " + n, source);
            n++;
        }
        if (n != 2) {
            throw error(source, where + ": data_offsets must hold exactly two integers [begin, end], found " + n);
        }
        return offsets;
    }

    /** The current token as an integer in [0, max]. */
    private static long nonNegative(JsonParser p, long max, String what, String source) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw error(source, what + " must be a non-negative integer, found " + describe(p));
        }
        if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            long v = p.getLongValue();
            if (v >= 0 && v <= max) {
                return v;
            }
        }
        throw error(source, what + " is " + p.getText() + ", outside [0, " + max + "]");
    }

    /** The tensors, sorted by offsets, must cover [0, dataLength) exactly, one after another. */
    private static void checkLayout(List<TensorInfo> infos, long dataLength, String source)
            throws SafetensorsFormatException {
        long position = 0;
        String previous = "the start of the data section";
        for (TensorInfo t : infos) {
            if (t.begin() > position) {
                throw error(source, "a hole of " + (t.begin() - position) + " bytes in the data section before tensor "
                        + quote(t.name()) + " (" + t.offsets() + "); " + previous + " ends at " + position);
            }
            if (t.begin() < position) {
                throw error(source, "tensor " + quote(t.name()) + " (" + t.offsets() + ") overlaps " + previous
                        + ", which ends at " + position);
            }
            position = t.end();
            previous = "tensor " + quote(t.name());
        }
        if (dataLength >= 0 && position != dataLength) {
            throw error(source, (dataLength - position) + " bytes after the last tensor's data (at data offset "
                    + position + "); the data section must end where the last tensor ends");
        }
    }

    private static String decodeUtf8(byte[] header, String source) throws SafetensorsFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(header);
        CharBuffer out = CharBuffer.allocate(header.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw error(source, "the header is not valid UTF-8: malformed bytes at header byte " + in.position()
                    + " (file offset " + (PREFIX_BYTES + in.position()) + ")");
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /** JSON escapes can spell unpaired UTF-16 surrogates, which no UTF-8 writer can store again. */
    private static void requireWellFormed(String s, String what, String source) throws SafetensorsFormatException {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(s)) {
            throw error(source, what + " contains an unpaired UTF-16 surrogate escape");
        }
    }

    private static String describe(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "the string " + quote(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + p.getText();
            case VALUE_TRUE, VALUE_FALSE -> p.getText();
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }

    /** A name or value for a message, cut short: a hostile header can hold megabyte-long strings. */
    private static String quote(String s) {
        return "'" + (s.length() <= MESSAGE_STRING_CHARS ? s : s.substring(0, MESSAGE_STRING_CHARS) + "...") + "'";
    }

    private static String describeChar(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static SafetensorsFormatException error(String source, String problem) {
        return new SafetensorsFormatException(source + ": " + problem);
    }

    private static SafetensorsFormatException error(String source, String problem, Throwable cause) {
        return new SafetensorsFormatException(source + ": " + problem, cause);
    }
}
