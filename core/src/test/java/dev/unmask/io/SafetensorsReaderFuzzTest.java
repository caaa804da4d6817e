package dev.unmask.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.unmask.testing.Refusals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Jazzer fuzz test of {@link SafetensorsReader}: any input is either read (and then every tensor converts
 * and its non-finite scan runs) or refused with {@link SafetensorsFormatException} and a one-line message;
 * any other exception, and an {@link OutOfMemoryError} in the 256 MB heap the build gives it, is a finding.
 * Without {@code JAZZER_FUZZ} it replays the committed corpus in {@code SafetensorsReaderFuzzTestInputs}
 * (see docs/fuzzing.md); {@link #main} writes that corpus's seeds.
 */
class SafetensorsReaderFuzzTest {
    /** The cap of the size-limited stream: larger than any corpus input, so the cap alone refuses nothing. */
    private static final long STREAM_CAP = 1 << 24;

    @FuzzTest(maxDuration = "10m")
    void read(byte[] input) throws IOException {
        readAndConvert(() -> SafetensorsReader.read(input, "fuzz input"));
        readAndConvert(() -> SafetensorsReader.read(new ByteArrayInputStream(input)));
        readAndConvert(() -> SafetensorsReader.read(new ByteArrayInputStream(input), "fuzz stream", STREAM_CAP));
    }

    private interface Read {
        SafetensorsContent get() throws IOException;
    }

    private static void readAndConvert(Read read) throws IOException {
        try {
            SafetensorsContent content = read.get();
            for (TensorEntry t : content.tensors()) {
                t.firstNonFinite();
                if (t.dtype().isFloatingPoint()) {
                    t.toFloats();
                } else {
                    t.toInts();
                }
            }
        } catch (SafetensorsFormatException refused) {
            Refusals.requireOneShortLine(refused);
        }
    }

    /**
     * Writes the seed corpus into {@code <resources>/dev/unmask/io/SafetensorsReaderFuzzTestInputs/read/seeds}:
     * the hostile headers and layouts of {@link SafetensorsHostileFileTest}, the valid files of the golden
     * tests and short inputs declaring huge sizes. Run with the test class path and {@code core/src/test/resources}.
     */
    public static void main(String[] args) throws IOException {
        Path seeds = Path.of(args[0], "dev/unmask/io/SafetensorsReaderFuzzTestInputs/read/seeds");
        Files.createDirectories(seeds);
        Map<String, byte[]> inputs = new TreeMap<>();
        SafetensorsHostileFileTest.badHeaders().forEach(a -> inputs.put("header-" + slug((String) a.get()[0]),
                SafetensorsTestFiles.file((String) a.get()[1], (Integer) a.get()[2])));
        SafetensorsHostileFileTest.badDataLayouts().forEach(a -> inputs.put("layout-" + slug((String) a.get()[0]),
                SafetensorsTestFiles.file((String) a.get()[1], (Integer) a.get()[2])));
        inputs.put("huge-header-length", SafetensorsTestFiles.lengthPrefix(1L << 62));
        inputs.put("lying-header-length", concat(SafetensorsTestFiles.lengthPrefix(SafetensorsReader.MAX_HEADER_BYTES),
                "{}".getBytes(StandardCharsets.US_ASCII)));
        inputs.put("lying-tensor-size", SafetensorsTestFiles.file("{" + SafetensorsTestFiles.entry("t", "F32",
                "[536870911]", 0, 2147483644L) + "}", 4));
        for (String golden : new String[] {"writer_golden", "pytorch_state_dict", "i64_out_of_range"}) {
            try (var in = SafetensorsReaderFuzzTest.class.getResourceAsStream(golden + ".safetensors")) {
                inputs.put("valid-" + golden, in.readAllBytes());
            }
        }
        for (Map.Entry<String, byte[]> e : inputs.entrySet()) {
            Files.write(seeds.resolve(e.getKey()), e.getValue());
        }
        System.out.println(inputs.size() + " seeds in " + seeds);
    }

    private static String slug(String rule) {
        return rule.replaceAll("[^A-Za-z0-9]+", "-");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
