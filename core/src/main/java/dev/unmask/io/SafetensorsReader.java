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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static dev.unmask.io.MessageText.quote;

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
 * trailing bytes. Any violation is a {@link SafetensorsFormatException} whose message is one line naming
 * the source and the problem ({@link MessageText#refusal}).
 *
 * <p>Memory stays proportional to what the input really holds: the header is read in chunks and its
 * space padding is counted, not kept, so a header padded to the format's 100 MB limit costs no more than
 * its JSON; that JSON may hold at most {@value #MAX_HEADER_JSON_BYTES} bytes and
 * {@value #MAX_TENSORS} tensors (a parsed entry takes several times its text), far above any model's
 * header; and a tensor's bytes are only allocated when the input has been checked to hold them (a file or
 * byte array) or as they arrive (a stream).
 */
public final class SafetensorsReader {
    /** Largest accepted header, in bytes; the same limit as the safetensors reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Largest header JSON this reader parses, in bytes, not counting the trailing space padding. */
    public static final int MAX_HEADER_JSON_BYTES = 16 << 20;

    /** Most tensors one header may declare. */
    public static final int MAX_TENSORS = 1 << 16;

    /** Largest tensor this reader holds, in bytes: one Java array (VMs reserve a few header words). */
    public static final int MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8;

    /** Size of the header-length prefix. */
    static final int PREFIX_BYTES = 8;

    /** The header key holding the string-to-string metadata rather than a tensor. */
    public static final String METADATA_KEY = "__metadata__";

    /** How much of the header is read at once. */
    private static final int HEADER_CHUNK_BYTES = 1 << 16;

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
     *
     * @throws SafetensorsFormatException when {@code file} is not a regular file (a folder, a FIFO, a
     *     device: opening a FIFO would wait for a writer forever) or breaks the format
     */
    public static SafetensorsContent read(Path file) throws IOException {
        requireRegularFile(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(Channels.newInputStream(channel), channel.size(), file.toString(), Long.MAX_VALUE);
        }
    }

    /** Reads a whole safetensors image held in memory (a bundle entry, a download). */
    public static SafetensorsContent read(byte[] bytes) throws SafetensorsFormatException {
        return read(bytes, "safetensors bytes");
    }

    /** As {@link #read(byte[])}, naming the bytes {@code source} in messages. */
    public static SafetensorsContent read(byte[] bytes, String source) throws SafetensorsFormatException {
        try {
            return read(new ByteArrayInputStream(bytes), bytes.length, source, Long.MAX_VALUE);
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
        return read(in, -1, "safetensors stream", Long.MAX_VALUE);
    }

    /**
     * As {@link #read(InputStream)} for a stream that may hold at most {@code maxBytes} bytes (a class-path
     * resource, an upload): a header declaring more is refused before the tensors are read, and no more
     * than {@code maxBytes} are ever read. Messages name the stream {@code source}.
     *
     * @throws IllegalArgumentException when {@code maxBytes} is not positive
     */
    public static SafetensorsContent read(InputStream in, String source, long maxBytes) throws IOException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        return read(in, -1, source, maxBytes);
    }

    /**
     * Refuses anything but a regular file (symbolic links are followed); a missing file is the JDK's
     * {@link java.nio.file.NoSuchFileException}.
     */
    static void requireRegularFile(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw error(file, "not a regular file (" + (attributes.isDirectory() ? "a folder"
                    : "a FIFO, socket or device") + "); only regular files are read");
        }
    }

    /**
     * {@code length} is the input's size in bytes, or -1 when unknown (a stream); a stream may declare at
     * most {@code maxBytes} in all.
     */
    private static SafetensorsContent read(InputStream in, long length, String source, long maxBytes)
            throws IOException {
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
        if (PREFIX_BYTES + headerLength > maxBytes) {
            throw error(source, "header length " + headerLength + " (bytes 0-7) exceeds the " + maxBytes
                    + "-byte limit of this input");
        }
        HeaderJson header = readHeader(in, (int) headerLength, source);
        long dataLength = length < 0 ? -1 : length - PREFIX_BYTES - headerLength;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> infos = parseHeader(header, dataLength, metadata, source);
        long declared = PREFIX_BYTES + headerLength + (infos.isEmpty() ? 0 : infos.get(infos.size() - 1).end());
        if (declared > maxBytes) {
            throw error(source, "the header declares " + declared + " bytes in all, over the " + maxBytes
                    + "-byte limit of this input");
        }

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

    /** The header's bytes up to its last non-space byte; {@code length} of them are valid. */
    private record HeaderJson(byte[] bytes, int length) {
    }

    /**
     * Reads the {@code headerLength} header bytes in chunks, keeping the JSON and counting, not keeping,
     * the trailing spaces: spaces are only stored once a later byte shows they were inside the JSON.
     */
    private static HeaderJson readHeader(InputStream in, int headerLength, String source) throws IOException {
        byte[] chunk = new byte[Math.min(headerLength, HEADER_CHUNK_BYTES)];
        byte[] json = new byte[chunk.length];
        int kept = 0;
        long pendingSpaces = 0;
        long read = 0;
        while (read < headerLength) {
            int n = in.readNBytes(chunk, 0, (int) Math.min(chunk.length, headerLength - read));
            if (n == 0) {
                throw error(source, "the input ended after " + read + " of the header's " + headerLength + " bytes");
            }
            for (int i = 0; i < n; i++) {
                if (chunk[i] == ' ') {
                    pendingSpaces++;
                    continue;
                }
                long needed = kept + pendingSpaces + 1;
                if (needed > MAX_HEADER_JSON_BYTES) {
                    throw error(source, "the header's JSON is larger than this reader's limit of "
                            + MAX_HEADER_JSON_BYTES + " bytes (not counting trailing space padding)");
                }
                if (needed > json.length) {
                    json = Arrays.copyOf(json, (int) Math.min(MAX_HEADER_JSON_BYTES, Math.max(needed, 2L * json.length)));
                }
                Arrays.fill(json, kept, kept + (int) pendingSpaces, (byte) ' ');
                kept += (int) pendingSpaces;
                pendingSpaces = 0;
                json[kept++] = chunk[i];
            }
            read += n;
        }
        return new HeaderJson(json, kept);
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
    private static List<TensorInfo> parseHeader(HeaderJson header, long dataLength, Map<String, String> metadata,
                                                String source) throws SafetensorsFormatException {
        requireUtf8(header, source);
        byte[] json = header.bytes();
        int end = header.length();
        if (end == 0 || json[0] != '{') {
            throw error(source, "the header must be a JSON object starting with '{' at file offset 8"
                    + (end == 0 ? ", it is empty" : ", found " + describeByte(json[0])));
        }
        if (json[end - 1] != '}') {
            throw error(source, "the header must end with '}' padded only with spaces (0x20), found "
                    + describeByte(json[end - 1]) + " at header byte " + (end - 1));
        }
        List<TensorInfo> infos = new ArrayList<>();
        try (JsonParser p = JSON.createParser(json, 0, end)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                requireWellFormed(key, "a header key", source);
                p.nextToken();
                if (METADATA_KEY.equals(key)) {
                    parseMetadata(p, metadata, source);
                } else if (infos.size() == MAX_TENSORS) {
                    throw error(source, "the header declares more than this reader's limit of " + MAX_TENSORS
                            + " tensors");
                } else {
                    infos.add(parseEntry(p, key, dataLength, source));
                }
            }
            if (p.nextToken() != null) {
                throw error(source, "unexpected JSON after the header object at header byte "
                        + p.currentTokenLocation().getByteOffset());
            }
        } catch (SafetensorsFormatException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw error(source, "the header is not valid JSON: " + MessageText.excerpt(e.getOriginalMessage())
                    + " (at header byte " + (e.getLocation() == null ? "?" : e.getLocation().getByteOffset()) + ")", e);
        } catch (IOException e) {
            throw error(source, "cannot parse the header: " + MessageText.excerpt(e.getMessage()), e);
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
                default -> throw error(source, where + ": unexpected field " + quote(field)
                        + " (an entry has exactly dtype, shape and data_offsets)");
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
            int index = dims.size();
            dims.add((int) nonNegative(p, Integer.MAX_VALUE, () -> where + ": shape entry " + index, source));
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
            int index = n;
            offsets[n] = nonNegative(p, Long.MAX_VALUE, () -> where + ": data_offsets entry " + index, source);
            n++;
        }
        if (n != 2) {
            throw error(source, where + ": data_offsets must hold exactly two integers [begin, end], found " + n);
        }
        return offsets;
    }

    /** The current token as an integer in [0, max]; {@code what} names it in a message. */
    private static long nonNegative(JsonParser p, long max, Supplier<String> what, String source) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw error(source, what.get() + " must be a non-negative integer, found " + describe(p));
        }
        if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            long v = p.getLongValue();
            if (v >= 0 && v <= max) {
                return v;
            }
        }
        throw error(source, what.get() + " is " + MessageText.excerpt(p.getText()) + ", outside [0, " + max + "]");
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

    /** Strict UTF-8 over the header's JSON, decoded through a small buffer so nothing header-sized is allocated. */
    private static void requireUtf8(HeaderJson header, String source) throws SafetensorsFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(header.bytes(), 0, header.length());
        CharBuffer out = CharBuffer.allocate(HEADER_CHUNK_BYTES);
        CoderResult result;
        do {
            out.clear();
            result = decoder.decode(in, out, true);
        } while (result.isOverflow());
        if (result.isError()) {
            throw error(source, "the header is not valid UTF-8: malformed bytes at header byte " + in.position()
                    + " (file offset " + (PREFIX_BYTES + in.position()) + ")");
        }
        out.clear();
        decoder.flush(out);
    }

    /** JSON escapes can spell unpaired UTF-16 surrogates, which no UTF-8 writer can store again. */
    private static void requireWellFormed(String s, String what, String source) throws SafetensorsFormatException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw error(source, what + " contains an unpaired UTF-16 surrogate escape");
            }
        }
    }

    private static String describe(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "the string " + quote(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + MessageText.excerpt(p.getText());
            case VALUE_TRUE, VALUE_FALSE -> p.getText();
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }

    private static String describeByte(byte b) {
        return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("byte 0x%02X", b & 0xff);
    }

    private static SafetensorsFormatException error(Object source, String problem) {
        return new SafetensorsFormatException(MessageText.refusal(source, problem));
    }

    private static SafetensorsFormatException error(Object source, String problem, Throwable cause) {
        return new SafetensorsFormatException(MessageText.refusal(source, problem), cause);
    }
}
