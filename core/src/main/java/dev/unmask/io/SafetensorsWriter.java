package dev.unmask.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.unmask.tensor.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Collects named tensors and metadata strings, then writes them in the safetensors format.
 *
 * <p>The output is deterministic and laid out as the safetensors library lays it out: tensors ordered by
 * descending {@link SafetensorsDType} (the library's dtype order), then by name; the compact JSON header
 * lists {@code __metadata__} first (keys sorted; omitted when empty), then the tensors in data order, and
 * is padded with spaces to a multiple of 8 bytes. Tensor bytes are fetched only while writing, one
 * tensor at a time.
 *
 * <p>{@link #write(Path)} is atomic: it writes a temporary file in the target's folder, forces it to disk
 * and renames it over the target, so a failure at any point leaves an existing file untouched and no
 * temporary file behind.
 */
public final class SafetensorsWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SafetensorsWriter.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final int HEADER_ALIGNMENT = 8;
    /** Code-point order, which is also the byte order of the UTF-8 names the library compares. */
    private static final Comparator<String> CODE_POINT_ORDER =
            Comparator.comparing((String s) -> s.codePoints().toArray(), Arrays::compare);

    private record Pending(String name, SafetensorsDType dtype, int[] shape, int byteLength,
                           Supplier<ByteBuffer> data) {
    }

    private final Map<String, Pending> tensors = new HashMap<>();
    private final Map<String, String> metadata = new TreeMap<>(CODE_POINT_ORDER);

    /** Sets a {@code __metadata__} entry, replacing an earlier value for the same key. */
    public SafetensorsWriter metadata(String key, String value) {
        requireWellFormed(Objects.requireNonNull(key, "metadata key"), "metadata key");
        requireWellFormed(Objects.requireNonNull(value, "metadata value"), "metadata value of '" + key + "'");
        metadata.put(key, value);
        return this;
    }

    /** Sets every entry of {@code entries} as by {@link #metadata(String, String)}. */
    public SafetensorsWriter metadata(Map<String, String> entries) {
        entries.forEach(this::metadata);
        return this;
    }

    /**
     * Adds a tensor whose bytes {@code data} supplies at write time: a buffer whose remaining bytes are
     * exactly {@code product(shape) * dtype.bytes()} little-endian element bytes in row-major order. The
     * buffer's position is not moved.
     *
     * @throws IllegalArgumentException on a repeated or reserved name, or a negative dimension
     */
    public SafetensorsWriter add(String name, SafetensorsDType dtype, int[] shape, Supplier<ByteBuffer> data) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(data, "data");
        requireWellFormed(name, "tensor name");
        if (SafetensorsReader.METADATA_KEY.equals(name)) {
            throw new IllegalArgumentException("'" + name + "' is reserved for the metadata map, not a tensor name");
        }
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' was already added");
        }
        int byteLength = TensorEntry.byteLength(name, dtype, shape);
        tensors.put(name, new Pending(name, dtype, shape.clone(), byteLength, data));
        return this;
    }

    /** Adds an entry (for instance one read from another file) with its dtype and bytes unchanged. */
    public SafetensorsWriter add(TensorEntry entry) {
        return add(entry.name(), entry.dtype(), entry.shape(), entry::data);
    }

    /**
     * Adds an F32 or I32 tensor; its values are copied off its backend only while writing, so a large
     * model is never held twice on the heap at once.
     */
    public SafetensorsWriter add(String name, Tensor tensor) {
        SafetensorsDType dtype = switch (tensor.dtype()) {
            case F32 -> SafetensorsDType.F32;
            case I32 -> SafetensorsDType.I32;
        };
        return add(name, dtype, tensor.shape().dims(), () -> TensorEntry.of(name, tensor).data());
    }

    /** Writes atomically to {@code file}, replacing it if it exists (see the class comment). */
    public void write(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        Path temporary = directory.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                writeTo(channel);
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
        forceDirectory(directory);
    }

    /** Writes to {@code out}, which is flushed but not closed. */
    public void write(OutputStream out) throws IOException {
        writeTo(Channels.newChannel(out));
        out.flush();
    }

    /**
     * The whole file image in memory (a bundle entry).
     *
     * @throws IllegalStateException when the image would not fit in one array
     */
    public byte[] toBytes() {
        List<Pending> order = ordered();
        long size = SafetensorsReader.PREFIX_BYTES + header(order).length
                + order.stream().mapToLong(Pending::byteLength).sum();
        if (size > SafetensorsReader.MAX_TENSOR_BYTES) {
            throw new IllegalStateException("the safetensors image would be " + size + " bytes, more than one array holds");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
        try {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    private void writeTo(WritableByteChannel out) throws IOException {
        List<Pending> order = ordered();
        byte[] header = header(order);
        ByteBuffer prefix = ByteBuffer.allocate(SafetensorsReader.PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(header.length).flip();
        writeFully(out, prefix);
        writeFully(out, ByteBuffer.wrap(header));
        for (Pending t : order) {
            ByteBuffer data = t.data().get().duplicate();
            if (data.remaining() != t.byteLength()) {
                throw new IllegalStateException("tensor '" + t.name() + "': its data supplier gave " + data.remaining()
                        + " bytes, dtype " + t.dtype() + " and shape " + Arrays.toString(t.shape()) + " need "
                        + t.byteLength());
            }
            writeFully(out, data);
        }
    }

    private List<Pending> ordered() {
        List<Pending> order = new ArrayList<>(tensors.values());
        order.sort(Comparator.comparing((Pending t) -> t.dtype().ordinal()).reversed()
                .thenComparing(Pending::name, CODE_POINT_ORDER));
        return order;
    }

    /** The compact JSON header padded with spaces to a multiple of 8 bytes. */
    private byte[] header(List<Pending> order) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart(SafetensorsReader.METADATA_KEY);
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (Pending t : order) {
                g.writeObjectFieldStart(t.name());
                g.writeStringField("dtype", t.dtype().name());
                g.writeArrayFieldStart("shape");
                for (int d : t.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                offset += t.byteLength();
                g.writeNumber(offset);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
        while (bytes.size() % HEADER_ALIGNMENT != 0) {
            bytes.write(' ');
        }
        return bytes.toByteArray();
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /** Makes the rename durable on POSIX systems; Windows cannot open a folder, and needs no such step. */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debug("cannot force folder {} to disk ({}); the file itself is on disk", directory, e.toString());
        }
    }

    private static void requireWellFormed(String s, String what) {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(s)) {
            throw new IllegalArgumentException(what + " '" + s + "' contains an unpaired UTF-16 surrogate");
        }
    }
}
