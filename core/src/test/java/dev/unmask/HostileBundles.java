package dev.unmask;

import dev.unmask.detectors.latent.TinyLatentModels;
import dev.unmask.detectors.latent.LatentRestorationModel;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unmask.io.SafetensorsContent;
import dev.unmask.io.SafetensorsDType;
import dev.unmask.io.SafetensorsReader;
import dev.unmask.io.SafetensorsWriter;
import dev.unmask.io.TensorEntry;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.models.vqvae.VqVaeConfig;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Hostile latent-restoration bundles, each derived from one valid tiny bundle by one attack: oversized or
 * padded headers, too many tensors, configurations that ask for far more memory than the file holds,
 * integer overflows, non-finite weights, megabyte-long strings that would be echoed in messages, and the
 * format's own layout rules. Every one must be refused with the bundle reader's exception.
 */
final class HostileBundles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MIB = 1 << 20;

    private HostileBundles() {
    }

    /** A valid, uncalibrated tiny bundle. */
    static Path valid(Path dir) throws IOException {
        return valid(dir, TinyLatentModels.vqvaeConfig(), TinyLatentModels.priorConfig());
    }

    /** A valid, uncalibrated bundle of models of these configurations, {@code valid.safetensors} in {@code dir}. */
    static Path valid(Path dir, VqVaeConfig vqvae, PixelSnailConfig prior) throws IOException {
        Path file = dir.resolve("valid.safetensors");
        LatentRestorationModel.create(vqvae, prior, 1).save(file);
        return file;
    }

    /** Writes every hostile bundle, derived from the tiny test models, into {@code dir}; keys name the attack. */
    static Map<String, Path> write(Path dir) throws IOException {
        return write(dir, TinyLatentModels.vqvaeConfig(), TinyLatentModels.priorConfig());
    }

    /** As {@link #write(Path)}, derived from models of these configurations. */
    static Map<String, Path> write(Path dir, VqVaeConfig vqvae, PixelSnailConfig prior) throws IOException {
        SafetensorsContent base = SafetensorsReader.read(valid(dir, vqvae, prior));
        Map<String, Path> out = new LinkedHashMap<>();
        Writer w = new Writer(dir, base, out);

        w.raw("padded-header-99.9MB-junk", headerBytes("{\"__metadata__\":{\"format_version\":\"1\"}} x"),
                99_900_000, new byte[0]);
        w.zeroSizeTensors("zero-size-tensors-1.6M", 1_600_000);
        w.zeroSizeTensors("zero-size-tensors-100k", 100_000);
        w.config("config-channel-4096", c -> vqvae(c).put("channel", 4096));
        w.config("config-grid-100000", c -> prior(c).put("height", 100_000).put("width", 100_000));
        w.config("config-prior-blocks-1000000", c -> prior(c).put("blocks", 1_000_000));
        w.config("config-vqvae-resblocks-1000000", c -> vqvae(c).put("resBlocks", 1_000_000));
        w.config("config-codes-2pow30", c -> {
            vqvae(c).put("codes", 1 << 30);
            prior(c).put("classes", 1 << 30);
        });
        w.tensors("nan-weight", t -> t.put("vqvae.enc.blocks.0.weight", withValue(t.get("vqvae.enc.blocks.0.weight"), 5,
                Float.NaN)));
        w.tensors("inf-bias", t -> t.put("prior.out.1.conv.bias", withValue(t.get("prior.out.1.conv.bias"), 0,
                Float.POSITIVE_INFINITY)));
        w.tensors("nan-f16", t -> {
            TensorEntry e = t.get("vqvae.quantize.embed");
            t.put(e.name(), TensorEntry.of(e.name(), SafetensorsDType.F16, e.shape(), halfNaNs((int) e.numel())));
        });
        w.metadata("config-19MB-string", m -> m.put("config", "\"" + "x".repeat(19 * MIB) + "\""));
        w.metadata("config-600KB-array", m -> m.put("config", "[" + "1,".repeat(300_000) + "1]"));
        w.metadata("config-2MB-object", m -> m.put("config", "{\"junk\":\"" + "y".repeat(2 * MIB) + "\"}"));
        w.metadata("config-deep-nesting", m -> m.put("config", "[".repeat(100_000) + "]".repeat(100_000)));
        w.metadata("model-type-1MB", m -> m.put("model_type", "z".repeat(MIB)));
        w.metadata("format-version-500KB", m -> m.put("format_version", "1".repeat(500_000)));
        w.metadata("calibration-500KB-format", m -> m.put("calibration",
                "{\"format\":\"" + "c".repeat(500_000) + "\"}"));
        w.tensors("tensor-name-40000-chars", t -> t.put("n".repeat(40_000),
                TensorEntry.ofFloats("n".repeat(40_000), new int[] {1}, new float[] {0})));
        w.tensors("weight-as-i32", t -> {
            TensorEntry e = t.get("vqvae.enc.blocks.0.bias");
            t.put(e.name(), TensorEntry.ofInts(e.name(), e.shape(), new int[(int) e.numel()]));
        });
        w.tensors("every-shape-transposed", t -> t.replaceAll((name, e) -> transposed(e)));
        w.tensors("prior-tensors-missing", t -> t.keySet().removeIf(name -> name.startsWith("prior.")));
        w.raw("header-length-2pow62", new byte[0], 0, new byte[0], 1L << 62);
        w.truncated("truncated-in-data");
        w.raw("overlapping-offsets", headerBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}"), 0, new byte[12]);
        return out;
    }

    private static ObjectNode vqvae(ObjectNode config) {
        return (ObjectNode) config.get("vqvae");
    }

    private static ObjectNode prior(ObjectNode config) {
        return (ObjectNode) config.get("prior");
    }

    private static byte[] headerBytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static TensorEntry withValue(TensorEntry e, int index, float value) {
        try {
            float[] v = e.toFloats();
            v[index] = value;
            return TensorEntry.ofFloats(e.name(), e.shape(), v);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static byte[] halfNaNs(int count) {
        ByteBuffer b = ByteBuffer.allocate(2 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            b.putShort((short) (i == count / 2 ? 0x7E00 : 0x3C00));
        }
        return b.array();
    }

    /** The same values under the reversed shape (a [4, 3, 4, 4] weight stored as [4, 4, 3, 4]). */
    private static TensorEntry transposed(TensorEntry e) {
        int[] shape = e.shape();
        int[] reversed = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            reversed[i] = shape[shape.length - 1 - i];
        }
        byte[] bytes = new byte[e.byteLength()];
        e.data().get(bytes);
        return TensorEntry.of(e.name(), e.dtype(), Arrays.equals(shape, reversed) ? new int[] {(int) e.numel(), 1}
                : reversed, bytes);
    }

    /** Writes the variants; each method adds one file to {@code out}. */
    private record Writer(Path dir, SafetensorsContent base, Map<String, Path> out) {
        private Path file(String name) {
            Path file = dir.resolve(name + ".safetensors");
            out.put(name, file);
            return file;
        }

        void metadata(String name, Consumer<Map<String, String>> change) throws IOException {
            Map<String, String> meta = new LinkedHashMap<>(base.metadata());
            change.accept(meta);
            SafetensorsWriter writer = new SafetensorsWriter().metadata(meta);
            base.tensors().forEach(writer::add);
            writer.write(file(name));
        }

        void config(String name, Consumer<ObjectNode> change) throws IOException {
            ObjectNode config = (ObjectNode) JSON.readTree(base.metadata().get("config"));
            change.accept(config);
            metadata(name, m -> m.put("config", config.toString()));
        }

        void tensors(String name, Consumer<Map<String, TensorEntry>> change) throws IOException {
            Map<String, TensorEntry> tensors = new LinkedHashMap<>();
            base.tensors().forEach(e -> tensors.put(e.name(), e));
            change.accept(tensors);
            SafetensorsWriter writer = new SafetensorsWriter().metadata(base.metadata());
            tensors.values().forEach(writer::add);
            writer.write(file(name));
        }

        /** The 8-byte length, {@code header} padded with spaces to {@code paddedLength} bytes, then {@code data}. */
        void raw(String name, byte[] header, long paddedLength, byte[] data) throws IOException {
            raw(name, header, paddedLength, data, Math.max(header.length, paddedLength));
        }

        void raw(String name, byte[] header, long paddedLength, byte[] data, long declaredLength) throws IOException {
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file(name)), MIB)) {
                o.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declaredLength).array());
                o.write(header);
                byte[] spaces = new byte[MIB];
                Arrays.fill(spaces, (byte) ' ');
                for (long left = paddedLength - header.length; left > 0; left -= spaces.length) {
                    o.write(spaces, 0, (int) Math.min(spaces.length, left));
                }
                o.write(data);
            }
        }

        /** A bundle's metadata followed by {@code count} tensors of shape [0], all at data offset 0. */
        void zeroSizeTensors(String name, int count) throws IOException {
            Path file = file(name);
            String metadata = JSON.writeValueAsString(base.metadata());
            StringBuilder header = new StringBuilder("{\"__metadata__\":").append(metadata);
            for (int i = 0; i < count; i++) {
                header.append(",\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
            }
            byte[] bytes = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), MIB)) {
                o.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(bytes.length).array());
                o.write(bytes);
            }
        }

        /** The valid bundle cut in the middle of its data section. */
        void truncated(String name) throws IOException {
            byte[] whole = Files.readAllBytes(dir.resolve("valid.safetensors"));
            Files.write(file(name), Arrays.copyOf(whole, whole.length - 100));
        }
    }
}
