package dev.unmask.io;

import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static dev.unmask.io.SafetensorsTestFiles.entry;
import static dev.unmask.io.SafetensorsTestFiles.file;
import static dev.unmask.io.SafetensorsTestFiles.lengthPrefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** One failing case for every rule of the format; each must fail with the reader's exception and name the problem. */
class SafetensorsHostileFileTest {
    private static final String ENTRY_A = entry("a", "F32", "[2]", 0, 8);

    /** Generous: a failing read allocates an exception and a few small buffers, far from any declared size. */
    private static final long MAX_ALLOCATED_BYTES = 1 << 20;

    /** Asserts that reading {@code bytes} (as an array and as a stream) fails with a message containing {@code fragment}. */
    private static void assertRejected(byte[] bytes, String fragment) {
        assertRejected(bytes, fragment, fragment);
    }

    /** As {@link #assertRejected(byte[], String)}, where a stream, whose length is unknown, fails differently. */
    private static void assertRejected(byte[] bytes, String fragment, String streamFragment) {
        SafetensorsFormatException fromBytes = assertThrows(SafetensorsFormatException.class,
                () -> SafetensorsReader.read(bytes));
        assertTrue(fromBytes.getMessage().contains(fragment),
                () -> "message '" + fromBytes.getMessage() + "' does not name the problem '" + fragment + "'");
        SafetensorsFormatException fromStream = assertThrows(SafetensorsFormatException.class,
                () -> SafetensorsReader.read(new ByteArrayInputStream(bytes)));
        assertTrue(fromStream.getMessage().contains(streamFragment),
                () -> "stream message '" + fromStream.getMessage() + "' does not name the problem '" + streamFragment + "'");
    }

    @Test
    void theBaseCaseOfTheHeaderCasesIsValid() throws IOException {
        SafetensorsContent c = SafetensorsReader.read(file("{\"__metadata__\":{\"k\":\"v\"}," + ENTRY_A + "}  ", 8));
        assertEquals(2, c.tensor("a").numel());
        assertEquals("v", c.metadata().get("k"));
    }

    static Stream<Arguments> badHeaders() {
        String f32 = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]";
        return Stream.of(
                Arguments.of("not JSON", "{\"a\":}", 0, "not valid JSON"),
                Arguments.of("JSON comment", "{/* c */}", 0, "not valid JSON"),
                Arguments.of("trailing comma", "{\"__metadata__\":{\"k\":\"v\",}}", 0, "not valid JSON"),
                Arguments.of("single quotes", "{'a':" + f32 + "}}", 8, "not valid JSON"),
                Arguments.of("NaN literal", "{\"a\":{\"dtype\":\"F32\",\"shape\":[NaN],\"data_offsets\":[0,0]}}", 0,
                        "not valid JSON"),
                Arguments.of("second JSON value after the object", "{} {}", 0, "unexpected JSON after the header object"),
                Arguments.of("header is an array", "[]", 0, "starting with '{'"),
                Arguments.of("header is a string", "\"{}\"", 0, "starting with '{'"),
                Arguments.of("leading space", " {}", 0, "starting with '{'"),
                Arguments.of("empty header", "", 0, "it is empty"),
                Arguments.of("only spaces", "        ", 0, "it is empty"),
                Arguments.of("newline padding", "{}\n", 0, "padded only with spaces"),
                Arguments.of("NUL padding", "{}\0\0", 0, "padded only with spaces"),
                Arguments.of("duplicate tensor", "{" + ENTRY_A + "," + entry("a", "F32", "[2]", 8, 16) + "}", 16,
                        "Duplicate field 'a'"),
                Arguments.of("duplicate field in entry", "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[0,8]}}", 8, "Duplicate field 'dtype'"),
                Arguments.of("duplicate metadata key", "{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0,
                        "Duplicate field 'k'"),
                Arguments.of("duplicate metadata", "{\"__metadata__\":{},\"__metadata__\":{}}", 0,
                        "Duplicate field '__metadata__'"),
                Arguments.of("metadata is an array", "{\"__metadata__\":[]}", 0, "'__metadata__' must be an object"),
                Arguments.of("metadata is null", "{\"__metadata__\":null}", 0, "'__metadata__' must be an object"),
                Arguments.of("metadata value is a number", "{\"__metadata__\":{\"k\":1}}", 0,
                        "value of key 'k' must be a string, found the number 1"),
                Arguments.of("metadata value is null", "{\"__metadata__\":{\"k\":null}}", 0,
                        "value of key 'k' must be a string, found null"),
                Arguments.of("metadata value is an object", "{\"__metadata__\":{\"k\":{}}}", 0,
                        "value of key 'k' must be a string, found an object"),
                Arguments.of("entry is an array", "{\"a\":[0,8]}", 8, "tensor 'a': the entry must be an object"),
                Arguments.of("entry misses data_offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8,
                        "tensor 'a': missing field 'data_offsets'"),
                Arguments.of("entry misses dtype", "{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8,
                        "tensor 'a': missing field 'dtype'"),
                Arguments.of("entry has an extra field", "{\"a\":" + f32 + ",\"extra\":1}}", 8,
                        "tensor 'a': unexpected field 'extra'"),
                Arguments.of("unknown dtype", "{" + entry("a", "F33", "[2]", 0, 8) + "}", 8,
                        "tensor 'a': unsupported dtype 'F33'"),
                Arguments.of("unsupported safetensors dtype", "{" + entry("a", "U8", "[8]", 0, 8) + "}", 8,
                        "tensor 'a': unsupported dtype 'U8'"),
                Arguments.of("dtype in lower case", "{" + entry("a", "f32", "[2]", 0, 8) + "}", 8,
                        "unsupported dtype 'f32'"),
                Arguments.of("dtype is a number", "{\"a\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}", 8,
                        "tensor 'a': dtype must be a string"),
                Arguments.of("shape is a number", "{" + entry("a", "F32", "2", 0, 8) + "}", 8,
                        "tensor 'a': shape must be an array"),
                Arguments.of("negative dimension", "{" + entry("a", "F32", "[-2]", 0, 8) + "}", 8,
                        "tensor 'a': shape entry 0 is -2, outside [0, 2147483647]"),
                Arguments.of("fractional dimension", "{" + entry("a", "F32", "[2.5]", 0, 8) + "}", 8,
                        "tensor 'a': shape entry 0 must be a non-negative integer, found the number 2.5"),
                Arguments.of("dimension with exponent", "{" + entry("a", "F32", "[1,2e0]", 0, 8) + "}", 8,
                        "shape entry 1 must be a non-negative integer, found the number 2e0"),
                Arguments.of("dimension as a string", "{" + entry("a", "F32", "[\"2\"]", 0, 8) + "}", 8,
                        "shape entry 0 must be a non-negative integer, found the string '2'"),
                Arguments.of("dimension past int", "{" + entry("a", "F32", "[2147483648]", 0, 8) + "}", 8,
                        "shape entry 0 is 2147483648, outside [0, 2147483647]"),
                Arguments.of("dimension past long", "{" + entry("a", "F32", "[99999999999999999999999]", 0, 8) + "}", 8,
                        "shape entry 0 is 99999999999999999999999, outside"),
                Arguments.of("byte count overflows", "{" + entry("a", "F64", "[2147483647,2147483647,2147483647]", 0, 8)
                        + "}", 8, "tensor 'a': shape [2147483647, 2147483647, 2147483647] with dtype F64 has more than 2^63-1 bytes"),
                Arguments.of("data_offsets is a string", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":\"0-8\"}}",
                        8, "tensor 'a': data_offsets must be an array"),
                Arguments.of("one offset", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8]}}", 8,
                        "exactly two integers [begin, end], found 1"),
                Arguments.of("three offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}}", 8,
                        "exactly two integers [begin, end], found more"),
                Arguments.of("negative offset", "{" + entry("a", "F32", "[2]", -8, 0) + "}", 8,
                        "tensor 'a': data_offsets entry 0 is -8, outside"),
                Arguments.of("offset past long", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,"
                        + "18446744073709551616]}}", 8, "data_offsets entry 1 is 18446744073709551616, outside"),
                Arguments.of("fractional offset", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.0]}}", 8,
                        "data_offsets entry 1 must be a non-negative integer, found the number 8.0"),
                Arguments.of("end before begin", "{" + entry("a", "F32", "[0]", 8, 0) + "}", 8,
                        "tensor 'a': data_offsets [8, 0] end before they begin"),
                Arguments.of("span does not match dtype and shape", "{" + entry("a", "F32", "[2]", 0, 4) + "}", 4,
                        "tensor 'a': data_offsets [0, 4] span 4 bytes, but dtype F32 and shape [2] need 8"),
                Arguments.of("overlapping tensors", "{" + ENTRY_A + "," + entry("b", "F32", "[2]", 4, 12) + "}", 12,
                        "tensor 'b' (data_offsets [4, 12]) overlaps tensor 'a', which ends at 8"),
                Arguments.of("hole between tensors", "{" + entry("a", "F32", "[1]", 0, 4) + ","
                        + entry("b", "F32", "[1]", 8, 12) + "}", 12, "a hole of 4 bytes in the data section before tensor 'b'"),
                Arguments.of("data not starting at 0", "{" + entry("a", "F32", "[1]", 4, 8) + "}", 8,
                        "a hole of 4 bytes in the data section before tensor 'a' (data_offsets [4, 8]); the start"),
                Arguments.of("unpaired surrogate in a name", "{" + entry("\\ud800", "F32", "[2]", 0, 8) + "}", 8,
                        // Jackson 2.23 refuses a high surrogate not followed by a low one itself, before our check
                        "surrogate"),
                Arguments.of("unpaired surrogate in metadata", "{\"__metadata__\":{\"k\":\"\\udc00x\"}}", 0,
                        "the metadata value of 'k' contains an unpaired UTF-16 surrogate"));
    }

    /** The data section's size is known for arrays and files; a stream is checked as it is read. */
    static Stream<Arguments> badDataLayouts() {
        return Stream.of(
                Arguments.of("offsets past the data", "{" + ENTRY_A + "}", 4,
                        "tensor 'a': data_offsets [0, 8] go past the end of the data section (4 bytes)",
                        "the input ended inside tensor 'a' (data_offsets [0, 8]) after 4 of its 8 bytes"),
                Arguments.of("trailing data bytes", "{" + entry("a", "F32", "[1]", 0, 4) + "}", 8,
                        "4 bytes after the last tensor's data (at data offset 4)",
                        "the stream goes on after the last tensor's data"),
                Arguments.of("data but no tensors", "{}", 3, "3 bytes after the last tensor's data",
                        "the stream goes on after the last tensor's data"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDataLayouts")
    void rejectsDataSectionOfTheWrongSize(String rule, String header, int dataBytes, String fragment,
                                           String streamFragment) {
        assertRejected(file(header, dataBytes), fragment, streamFragment);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void rejectsBadHeader(String rule, String header, int dataBytes, String fragment) {
        assertRejected(file(header, dataBytes), fragment);
    }

    @Test
    void rejectsInputShorterThanTheLengthPrefix() {
        assertRejected(new byte[0], "shorter than the 8-byte header length");
        assertRejected(new byte[7], "shorter than the 8-byte header length");
    }

    @Test
    void rejectsHeaderLengthsOverTheLimitBeforeLookingAtTheFileSize() {
        assertRejected(join(lengthPrefix(1L << 62), new byte[8]), "header length 4611686018427387904 (bytes 0-7) exceeds the limit");
        assertRejected(join(lengthPrefix(-1L), new byte[8]), "header length 18446744073709551615 (bytes 0-7) exceeds the limit");
        assertRejected(join(lengthPrefix(SafetensorsReader.MAX_HEADER_BYTES + 1), new byte[8]), "exceeds the limit of 100000000 bytes");
    }

    @Test
    void rejectsHeaderLongerThanTheFile() {
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                () -> SafetensorsReader.read(join(lengthPrefix(100), "{}".getBytes(StandardCharsets.US_ASCII))));
        assertTrue(e.getMessage().contains("header length 100 (bytes 0-7) is larger than the 2 bytes that follow it"), e.getMessage());
        SafetensorsFormatException s = assertThrows(SafetensorsFormatException.class,
                () -> SafetensorsReader.read(new ByteArrayInputStream(join(lengthPrefix(100), new byte[2]))));
        assertTrue(s.getMessage().contains("the input ended after 2 of the header's 100 bytes"), s.getMessage());
    }

    @Test
    void rejectsMalformedUtf8() {
        byte[][] bad = {
            {(byte) 0xC3, 0x28},                    // a lead byte followed by a non-continuation byte
            {(byte) 0xC0, (byte) 0xAF},             // an overlong encoding of '/'
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a UTF-16 surrogate encoded in UTF-8
            {(byte) 0xFF},                          // never valid in UTF-8
        };
        for (byte[] b : bad) {
            byte[] header = join("{\"__metadata__\":{\"k\":\"".getBytes(StandardCharsets.US_ASCII), b,
                    "\"}}".getBytes(StandardCharsets.US_ASCII));
            assertRejected(file(header, 0), "not valid UTF-8: malformed bytes at header byte 22 (file offset 30)");
        }
        assertRejected(file(join("{}".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xE2, (byte) 0x82}), 0),
                "not valid UTF-8");
    }

    @Test
    void streamsMustHoldExactlyTheDeclaredData() throws IOException {
        byte[] valid = file("{" + ENTRY_A + "}", 8);
        SafetensorsReader.read(new ByteArrayInputStream(valid));
        SafetensorsFormatException truncated = assertThrows(SafetensorsFormatException.class,
                () -> SafetensorsReader.read(new ByteArrayInputStream(Arrays.copyOf(valid, valid.length - 3))));
        assertTrue(truncated.getMessage().contains("ended inside tensor 'a' (data_offsets [0, 8]) after 5 of its 8 bytes"),
                truncated.getMessage());
        SafetensorsFormatException trailing = assertThrows(SafetensorsFormatException.class,
                () -> SafetensorsReader.read(new ByteArrayInputStream(join(valid, new byte[1]))));
        assertTrue(trailing.getMessage().contains("the stream goes on after the last tensor's data"), trailing.getMessage());
    }

    @Test
    void rejectsATensorLargerThanOneArrayBeforeReadingIt() {
        // only a stream can declare it: a file or byte array would have to hold the 4 GiB
        byte[] bytes = file("{" + entry("big", "F32", "[1073741824]", 0, 4294967296L) + "}", 16);
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                () -> SafetensorsReader.read(new ByteArrayInputStream(bytes)));
        assertTrue(e.getMessage().contains("tensor 'big' has 4294967296 bytes; this reader holds at most"), e.getMessage());
    }

    @Test
    void readsFilesThroughTheSameRules(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("bad.safetensors");
        Files.write(p, file("{" + ENTRY_A + "}", 4));
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.read(p));
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("go past the end of the data section"), e.getMessage());
        Files.write(p, new byte[5]);
        assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.read(p));
    }

    @Test
    void aCappedStreamRefusesWhatItsHeaderDeclaresBeyondTheCapBeforeReadingIt() throws IOException {
        byte[] bytes = file("{" + ENTRY_A + "}", 8);
        assertEquals(2, SafetensorsReader.read(new ByteArrayInputStream(bytes), "resource a", bytes.length).tensor("a").numel());
        SafetensorsFormatException data = assertThrows(SafetensorsFormatException.class,
                () -> SafetensorsReader.read(new ByteArrayInputStream(bytes), "resource a", bytes.length - 1));
        assertTrue(data.getMessage().startsWith("resource a: the header declares " + bytes.length + " bytes in all, over the "
                + (bytes.length - 1) + "-byte limit"), data.getMessage());
        SafetensorsFormatException header = assertThrows(SafetensorsFormatException.class,
                () -> SafetensorsReader.read(new ByteArrayInputStream(bytes), "resource b", 20));
        assertTrue(header.getMessage().contains("exceeds the 20-byte limit of this input"), header.getMessage());
        // the declared 2 GB tensor is refused by the cap, not by running out of data after reading what came
        byte[] lying = file("{" + entry("t", "F32", "[536870911]", 0, 2147483644L) + "}", 4);
        long allocated = allocatedWhileFailing(() -> SafetensorsReader.read(new ByteArrayInputStream(lying), "upload", 1 << 20));
        assertTrue(allocated < MAX_ALLOCATED_BYTES, "capped stream: " + allocated);
    }

    @Test
    void aHeaderPaddedToTheLimitIsReadWithoutKeepingThePadding() throws IOException {
        String json = "{" + ENTRY_A + "}";
        int padded = 50_000_000;
        byte[] bytes = join(lengthPrefix(padded), json.getBytes(StandardCharsets.US_ASCII),
                " ".repeat(padded - json.length()).getBytes(StandardCharsets.US_ASCII), new byte[8]);
        long allocated = allocatedWhile(() -> SafetensorsReader.read(new ByteArrayInputStream(bytes)));
        assertTrue(allocated < 4 * MAX_ALLOCATED_BYTES, "padded header: " + allocated);
    }

    @Test
    void onlyRegularFilesAreRead(@TempDir Path dir) {
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.read(dir));
        assertTrue(e.getMessage().contains("not a regular file (a folder)"), e.getMessage());
    }

    @Test
    void aHeaderOfMoreTensorsThanTheLimitIsRefused() {
        StringBuilder header = new StringBuilder("{");
        for (int i = 0; i <= SafetensorsReader.MAX_TENSORS; i++) {
            header.append(i == 0 ? "" : ",").append(entry("t" + i, "F32", "[0]", 0, 0));
        }
        assertRejected(file(header.append('}').toString(), 0), "more than this reader's limit of 65536 tensors");
    }

    /** Bytes a thread allocates on the heap while it runs {@code action}, which must throw the reader's exception. */
    private static long allocatedWhileFailing(ThrowingAction action) {
        ThreadMXBean bean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(bean.isThreadAllocatedMemorySupported());
        bean.setThreadAllocatedMemoryEnabled(true);
        assertThrows(SafetensorsFormatException.class, action::run); // warm up: load classes, build lambdas
        long before = bean.getCurrentThreadAllocatedBytes();
        assertThrows(SafetensorsFormatException.class, action::run);
        return bean.getCurrentThreadAllocatedBytes() - before;
    }

    private interface ThrowingAction {
        void run() throws IOException;
    }

    /** Bytes a thread allocates on the heap while it runs {@code action} once more after a warm-up run. */
    private static long allocatedWhile(ThrowingAction action) throws IOException {
        ThreadMXBean bean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(bean.isThreadAllocatedMemorySupported());
        bean.setThreadAllocatedMemoryEnabled(true);
        action.run();
        long before = bean.getCurrentThreadAllocatedBytes();
        action.run();
        return bean.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void hugeDeclaredSizesFailFastAllocatingAlmostNothing(@TempDir Path dir) throws IOException {
        byte[] hugeHeader = join(lengthPrefix(1L << 62), new byte[8]);
        Path p = dir.resolve("huge.safetensors");
        Files.write(p, hugeHeader);
        long fromBytes = allocatedWhileFailing(() -> SafetensorsReader.read(hugeHeader));
        long fromFile = allocatedWhileFailing(() -> SafetensorsReader.read(p));
        // a stream cannot be measured: the declared header (just under the limit) must be read to be refuted
        byte[] lyingHeader = join(lengthPrefix(SafetensorsReader.MAX_HEADER_BYTES), new byte[8]);
        long fromStream = allocatedWhileFailing(() -> SafetensorsReader.read(new ByteArrayInputStream(lyingHeader)));
        // a stream whose valid header declares a 2 GB tensor but ends right after it
        byte[] lyingData = file("{" + entry("t", "F32", "[536870911]", 0, 2147483644L) + "}", 4);
        long fromData = allocatedWhileFailing(() -> SafetensorsReader.read(new ByteArrayInputStream(lyingData)));
        assertTrue(fromBytes < MAX_ALLOCATED_BYTES, "byte array: " + fromBytes);
        assertTrue(fromFile < MAX_ALLOCATED_BYTES, "file: " + fromFile);
        assertTrue(fromStream < MAX_ALLOCATED_BYTES, "stream header: " + fromStream);
        assertTrue(fromData < MAX_ALLOCATED_BYTES, "stream data: " + fromData);
    }

    private static byte[] join(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
