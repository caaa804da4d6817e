package dev.unmask.io;

import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsRoundTripTest {

    private static SafetensorsWriter sample() {
        return new SafetensorsWriter()
                .add(TensorEntry.ofFloats("conv.weight", new int[] {2, 1, 2}, new float[] {1.5f, -2f, Float.MIN_VALUE, -0f}))
                .add(TensorEntry.ofInts("codes", new int[] {3}, new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}))
                .add(TensorEntry.ofFloats("empty", new int[] {4, 0, 2}, new float[0]))
                .add(TensorEntry.ofFloats("scale", new int[0], new float[] {0.125f}))
                .add(TensorEntry.ofInts("step", new int[0], new int[] {-3}))
                .metadata("model", "vqvae")
                .metadata("config", "{\"channels\": 128, \"name\": \"caf\u00e9 \u2713\"}");
    }

    private static void assertSample(SafetensorsContent c) throws SafetensorsFormatException {
        assertEquals(Map.of("model", "vqvae", "config", "{\"channels\": 128, \"name\": \"caf\u00e9 \u2713\"}"), c.metadata());
        TensorEntry w = c.tensor("conv.weight");
        assertEquals(SafetensorsDType.F32, w.dtype());
        assertArrayEquals(new int[] {2, 1, 2}, w.shape());
        assertArrayEquals(new float[] {1.5f, -2f, Float.MIN_VALUE, -0f}, w.toFloats());
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(w.toFloats()[3]));
        assertArrayEquals(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}, c.tensor("codes").toInts());
        assertEquals(SafetensorsDType.I32, c.tensor("codes").dtype());
        assertArrayEquals(new int[] {4, 0, 2}, c.tensor("empty").shape());
        assertEquals(0, c.tensor("empty").toFloats().length);
        assertArrayEquals(new int[0], c.tensor("scale").shape());
        assertArrayEquals(new float[] {0.125f}, c.tensor("scale").toFloats());
        assertArrayEquals(new int[] {-3}, c.tensor("step").toInts());
        assertEquals(5, c.tensors().size());
    }

    @Test
    void roundTripsThroughAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.safetensors");
        sample().write(file);
        assertSample(SafetensorsReader.read(file));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void bytesStreamsAndFilesHoldTheSameImage(@TempDir Path dir) throws IOException {
        byte[] image = sample().toBytes();
        Path file = dir.resolve("model.safetensors");
        sample().write(file);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        sample().write(stream);
        assertArrayEquals(image, Files.readAllBytes(file));
        assertArrayEquals(image, stream.toByteArray());
        assertSample(SafetensorsReader.read(image));
        assertSample(SafetensorsReader.read(new ByteArrayInputStream(image)));
    }

    @Test
    void outputIsDeterministicPaddedAndOrderedByDtypeThenName() throws IOException {
        SafetensorsWriter reversed = new SafetensorsWriter()
                .metadata("config", "{\"channels\": 128, \"name\": \"caf\u00e9 \u2713\"}")
                .metadata("model", "vqvae")
                .add(TensorEntry.ofInts("step", new int[0], new int[] {-3}))
                .add(TensorEntry.ofFloats("scale", new int[0], new float[] {0.125f}))
                .add(TensorEntry.ofFloats("empty", new int[] {4, 0, 2}, new float[0]))
                .add(TensorEntry.ofInts("codes", new int[] {3}, new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}))
                .add(TensorEntry.ofFloats("conv.weight", new int[] {2, 1, 2}, new float[] {1.5f, -2f, Float.MIN_VALUE, -0f}));
        byte[] image = sample().toBytes();
        assertArrayEquals(image, reversed.toBytes());

        long headerLength = ByteBuffer.wrap(image, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
        String header = new String(image, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"config\":"), header);
        assertTrue(header.stripTrailing().endsWith("}"), header);
        List<String> order = SafetensorsReader.read(image).tensors().stream().map(TensorEntry::name).toList();
        // F32 sorts after I32 in the library's dtype order, so it comes first
        assertEquals(List.of("conv.weight", "empty", "scale", "codes", "step"), order);
    }

    @Test
    void anEmptyFileIsTheSmallestValidImage() throws IOException {
        // 8-byte length 8, then "{}" and six spaces of padding
        byte[] want = {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '};
        assertArrayEquals(want, new SafetensorsWriter().toBytes());
        SafetensorsContent c = SafetensorsReader.read(want);
        assertTrue(c.tensors().isEmpty());
        assertTrue(c.metadata().isEmpty());
    }

    @Test
    void backendTensorsRoundTrip(@TempDir Path dir) throws IOException {
        ReferenceBackend backend = new ReferenceBackend();
        Tensor weights = backend.fromFloats(new float[] {0.5f, -1.25f, 3f, 4e-9f, 7f, -8f}, Shape.of(2, 3));
        Tensor indices = backend.fromInts(new int[] {4, 0, 9}, Shape.of(3));
        Tensor empty = backend.fromFloats(new float[0], Shape.of(0, 5));
        Tensor scalar = backend.fromFloats(new float[] {2.5f}, Shape.scalar());
        Path file = dir.resolve("tensors.safetensors");
        new SafetensorsWriter().add("w", weights).add("idx", indices).add("e", empty).add("s", scalar).write(file);

        Map<String, Tensor> back = SafetensorsReader.read(file).toTensors(backend);
        assertEquals(DType.F32, back.get("w").dtype());
        assertEquals(Shape.of(2, 3), back.get("w").shape());
        assertArrayEquals(weights.toFloatArray(), back.get("w").toFloatArray());
        assertEquals(DType.I32, back.get("idx").dtype());
        assertArrayEquals(new int[] {4, 0, 9}, back.get("idx").toIntArray());
        assertEquals(Shape.of(0, 5), back.get("e").shape());
        assertEquals(Shape.scalar(), back.get("s").shape());
        assertEquals(2.5f, back.get("s").item());
    }

    @Test
    void readEntriesAreWrittenBackWithTheirDtypeAndBytes() throws IOException {
        byte[] halfBits = {0x00, 0x3C, 0x00, (byte) 0xC0};
        SafetensorsContent original = SafetensorsReader.read(new SafetensorsWriter()
                .add("h", SafetensorsDType.F16, new int[] {2}, () -> ByteBuffer.wrap(halfBits)).toBytes());
        SafetensorsWriter copy = new SafetensorsWriter();
        original.tensors().forEach(copy::add);
        TensorEntry h = SafetensorsReader.read(copy.toBytes()).tensor("h");
        assertEquals(SafetensorsDType.F16, h.dtype());
        byte[] stored = new byte[4];
        h.data().get(stored);
        assertArrayEquals(halfBits, stored);
        assertArrayEquals(new float[] {1f, -2f}, h.toFloats());
    }

    @Test
    void theWriterRejectsBadInput() {
        SafetensorsWriter w = new SafetensorsWriter().add(TensorEntry.ofFloats("a", new int[] {1}, new float[] {1}));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> w.add(TensorEntry.ofFloats("a", new int[] {1}, new float[] {2}))).getMessage()
                .contains("tensor 'a' was already added"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> w.add(TensorEntry.ofFloats("__metadata__", new int[] {1}, new float[] {2}))).getMessage()
                .contains("reserved"));
        assertThrows(IllegalArgumentException.class,
                () -> w.add("neg", SafetensorsDType.F32, new int[] {-1}, () -> ByteBuffer.allocate(0)));
        assertThrows(IllegalArgumentException.class, () -> w.metadata("k", "\ud800"));
        assertThrows(NullPointerException.class, () -> w.metadata("k", null));
        SafetensorsWriter shortData = new SafetensorsWriter()
                .add("s", SafetensorsDType.F32, new int[] {2}, () -> ByteBuffer.allocate(4));
        IllegalStateException e = assertThrows(IllegalStateException.class, shortData::toBytes);
        assertTrue(e.getMessage().contains("tensor 's': its data supplier gave 4 bytes, dtype F32 and shape [2] need 8"),
                e.getMessage());
    }

    @Test
    void aMissingTensorNameIsNamedInTheError() throws IOException {
        SafetensorsContent c = SafetensorsReader.read(sample().toBytes());
        assertTrue(assertThrows(java.util.NoSuchElementException.class, () -> c.tensor("nope")).getMessage()
                .contains("'nope'"));
        assertTrue(c.contains("codes"));
        assertFalse(c.contains("nope"));
    }
}
