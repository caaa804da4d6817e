package dev.unmask.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files written by src/test/python/safetensors_goldens.py from PyTorch tensors, by hand from the format's
 * spec; the expected values are torch's own float32 / integer conversions of the stored tensors.
 */
class SafetensorsGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SafetensorsGoldenTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    private static JsonNode expected(String name) throws IOException {
        return JSON.readTree(resource(name));
    }

    private static int[] shapeOf(JsonNode tensor) {
        int[] shape = new int[tensor.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = tensor.get("shape").get(i).asInt();
        }
        return shape;
    }

    private static float[] floatsOf(JsonNode tensor) {
        JsonNode v = tensor.get("values");
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) v.get(i).asDouble();
        }
        return out;
    }

    private static int[] intsOf(JsonNode tensor) {
        JsonNode v = tensor.get("values");
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(v.get(i).asLong());
        }
        return out;
    }

    @Test
    void readsAPyTorchStateDictWithEveryDtype() throws IOException {
        SafetensorsContent content = SafetensorsReader.read(resource("pytorch_state_dict.safetensors"));
        JsonNode expected = expected("pytorch_state_dict.json");

        assertEquals(Map.of("format", "pt", "note", "unicode \u2713 \u00e9"), content.metadata());
        // the header lists the tensors in reverse; the reader gives them in data order (the script's layout)
        List<String> names = content.tensors().stream().map(TensorEntry::name).toList();
        assertEquals(List.of("half", "bn.weight", "long", "empty", "brain", "bn.num_batches_tracked", "double",
                "index", "bn.running_mean"), names);
        assertEquals(expected.get("tensors").size(), names.size());

        for (Iterator<Map.Entry<String, JsonNode>> it = expected.get("tensors").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            TensorEntry t = content.tensor(e.getKey());
            JsonNode want = e.getValue();
            assertEquals(want.get("dtype").asText(), t.dtype().name(), e.getKey());
            assertArrayEquals(shapeOf(want), t.shape(), e.getKey());
            if (t.dtype().isFloatingPoint()) {
                float[] got = t.toFloats();
                float[] exp = floatsOf(want);
                assertEquals(exp.length, got.length, e.getKey());
                for (int i = 0; i < exp.length; i++) {
                    // bit-exact: widening F16/BF16 is exact and F64 rounds to nearest as torch does; -0.0 stays -0.0
                    assertEquals(Float.floatToIntBits(exp[i]), Float.floatToIntBits(got[i]),
                            e.getKey() + "[" + i + "]: " + exp[i] + " vs " + got[i]);
                }
            } else {
                assertArrayEquals(intsOf(want), t.toInts(), e.getKey());
            }
        }
    }

    @Test
    void convertsThePyTorchStateDictToTensors() throws IOException {
        SafetensorsContent content = SafetensorsReader.read(resource("pytorch_state_dict.safetensors"));
        Map<String, Tensor> tensors = content.toTensors(new ReferenceBackend());
        Tensor steps = tensors.get("bn.num_batches_tracked");
        assertEquals(DType.I32, steps.dtype());
        assertEquals(0, steps.rank());
        assertArrayEquals(new int[] {12345}, steps.toIntArray());
        Tensor half = tensors.get("half");
        assertEquals(DType.F32, half.dtype());
        assertArrayEquals(new int[] {2, 3}, half.shape().dims());
        assertEquals(65504f, half.toFloatArray()[0]);
        assertArrayEquals(new int[] {0, 3}, tensors.get("empty").shape().dims());
    }

    @Test
    void anI64ValueOutsideTheIntRangeIsAnError() throws IOException {
        TensorEntry big = SafetensorsReader.read(resource("i64_out_of_range.safetensors")).tensor("big");
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, big::toInts);
        assertTrue(e.getMessage().contains("tensor 'big': I64 value 1099511627776 at element 1 is outside the I32 range"),
                e.getMessage());
        assertThrows(SafetensorsFormatException.class, () -> big.toTensor(new ReferenceBackend()));
    }

    @Test
    void writerLaysOutFilesAsTheSafetensorsLibraryDoes() throws IOException {
        JsonNode expected = expected("writer_golden.json");
        ReferenceBackend backend = new ReferenceBackend();
        SafetensorsWriter writer = new SafetensorsWriter();
        List<String> added = new ArrayList<>();
        // added in the JSON's order, which is neither the data order nor sorted
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.get("tensors").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode t = e.getValue();
            Tensor tensor = t.get("dtype").asText().equals("F32")
                    ? backend.fromFloats(floatsOf(t), Shape.of(shapeOf(t)))
                    : backend.fromInts(intsOf(t), Shape.of(shapeOf(t)));
            writer.add(e.getKey(), tensor);
            added.add(e.getKey());
        }
        expected.get("metadata").fields().forEachRemaining(m -> writer.metadata(m.getKey(), m.getValue().asText()));

        byte[] golden = resource("writer_golden.safetensors");
        assertArrayEquals(golden, writer.toBytes());
        assertEquals(List.of("z.codes", "b.weight", "steps", "a.bias", "empty"), added);
    }
}
