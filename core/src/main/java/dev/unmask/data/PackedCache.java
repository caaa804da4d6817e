package dev.unmask.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A dataset decoded once into one binary file and memory-mapped for reading.
 *
 * <p>Layout, little-endian: a 64-byte header ({@code "UNMASKPC"}, int version = 1, int pixel format
 * (0 uint8, 1 float16), int count, int channels, int height, int width, int hasMasks (0/1), zero padding),
 * then {@code count} records, then {@code count} int32 labels. A record is the image's CHW values
 * (uint8: the 8-bit level {@code round((v + 1) * 127.5)}, exact for 8-bit images; float16: the nearest
 * binary16 of v) followed, when there are masks, by {@code height * width} bytes of 0 or 1.
 * {@link #open} checks every header field and that the file length is exactly what they imply.
 */
public final class PackedCache implements Dataset {
    /** How pixel values are stored. */
    public enum PixelFormat {
        /** One byte per value: 8-bit levels, lossless for images read from 8-bit files. */
        UINT8(1),
        /** Two bytes per value: IEEE binary16, relative error below 2^-11. */
        FLOAT16(2);

        private final int bytes;

        PixelFormat(int bytes) {
            this.bytes = bytes;
        }
    }

    private static final byte[] MAGIC = "UNMASKPC".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int HEADER_BYTES = 64;
    // each mapping stays below the 2 GiB limit of one MappedByteBuffer
    private static final long MAX_MAPPING_BYTES = 1L << 30;
    // examples decoded per background task while writing: up to 64, and about 16 MiB of records at most
    private static final int MAX_WRITE_BATCH = 64;
    private static final long WRITE_BATCH_BYTES = 16L << 20;

    private final Path file;
    private final PixelFormat format;
    private final int count;
    private final int channels;
    private final int height;
    private final int width;
    private final boolean hasMasks;
    private final long recordBytes;
    private final int recordsPerMapping;
    private final List<MappedByteBuffer> mappings;
    private final int[] labels;

    private PackedCache(Path file, PixelFormat format, int count, int channels, int height, int width,
                        boolean hasMasks, List<MappedByteBuffer> mappings, int recordsPerMapping, int[] labels) {
        this.file = file;
        this.format = format;
        this.count = count;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.hasMasks = hasMasks;
        this.recordBytes = recordBytes(format, channels, height, width, hasMasks);
        this.mappings = mappings;
        this.recordsPerMapping = recordsPerMapping;
        this.labels = labels;
    }

    /**
     * Decodes every example of {@code source} (on {@code threads} background threads, in index order) and
     * writes the cache to {@code file}: first to a temporary file beside it, then renamed, so a crash
     * never leaves a partial cache under the final name. All examples must have the same dimensions and
     * either all or none a mask.
     */
    public static void write(Path file, Dataset source, PixelFormat format, int threads) {
        if (source.size() == 0) {
            throw new IllegalArgumentException("cannot cache an empty dataset");
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Example first = source.get(0);
        long record = recordBytes(format, first.image().channels(), first.image().height(), first.image().width(),
                first.mask() != null);
        int batchSize = (int) Math.max(1, Math.min(MAX_WRITE_BATCH, WRITE_BATCH_BYTES / record));
        try (DataLoader loader = DataLoader.builder(source).batchSize(batchSize).threads(threads).build();
             FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            int[] labels = new int[source.size()];
            Batch shape = null;
            for (Batch batch : loader.epoch(0)) {
                if (shape == null) {
                    shape = batch;
                    writeFully(out, header(format, source.size(), batch.channels(), batch.height(), batch.width(),
                            batch.masks() != null));
                } else if (batch.channels() != shape.channels() || batch.height() != shape.height()
                        || batch.width() != shape.width() || (batch.masks() == null) != (shape.masks() == null)) {
                    throw new IllegalArgumentException("example " + batch.indices()[0] + " differs in size or mask "
                            + "presence from example 0; a cache holds examples of one size");
                }
                writeFully(out, records(batch, format));
                for (int k = 0; k < batch.size(); k++) {
                    labels[batch.indices()[k]] = batch.labels()[k];
                }
            }
            ByteBuffer labelBytes = ByteBuffer.allocate(4 * labels.length).order(ByteOrder.LITTLE_ENDIAN);
            labelBytes.asIntBuffer().put(labels);
            writeFully(out, labelBytes);
            out.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("writing cache " + temporary + " failed", e);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("renaming " + temporary + " to " + file + " failed", e);
        }
    }

    /**
     * Opens and validates a cache written by {@link #write}.
     *
     * @throws IllegalArgumentException naming the file and the problem when the header is not a valid
     *     version-1 header or the file length does not match it
     * @throws UncheckedIOException when the file cannot be read
     */
    public static PackedCache open(Path file) {
        return open(file, MAX_MAPPING_BYTES);
    }

    /** {@link #open} with mappings of at most {@code maxMappingBytes} each (small values exercise several). */
    static PackedCache open(Path file, long maxMappingBytes) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            if (length < HEADER_BYTES) {
                throw invalid(file, "shorter (" + length + " bytes) than the " + HEADER_BYTES + "-byte header");
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, header, 0);
            header.flip();
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw invalid(file, "does not start with " + new String(MAGIC, StandardCharsets.US_ASCII));
            }
            int version = header.getInt();
            if (version != VERSION) {
                throw invalid(file, "has format version " + version + "; this library reads version " + VERSION);
            }
            int formatCode = header.getInt();
            if (formatCode < 0 || formatCode >= PixelFormat.values().length) {
                throw invalid(file, "has unknown pixel format code " + formatCode);
            }
            PixelFormat format = PixelFormat.values()[formatCode];
            int count = header.getInt();
            int channels = header.getInt();
            int height = header.getInt();
            int width = header.getInt();
            int masks = header.getInt();
            if (count <= 0 || channels <= 0 || height <= 0 || width <= 0 || (masks != 0 && masks != 1)) {
                throw invalid(file, "has an invalid header: count " + count + ", " + channels + "x" + height + "x"
                        + width + ", masks flag " + masks);
            }
            long record = recordBytes(format, channels, height, width, masks == 1);
            if (record > maxMappingBytes) {
                throw invalid(file, "has records of " + record + " bytes, more than one mapping of "
                        + maxMappingBytes + " holds");
            }
            long expected = HEADER_BYTES + count * record + 4L * count;
            if (length != expected) {
                throw invalid(file, "is " + length + " bytes but its header implies " + expected
                        + " (truncated or not a cache)");
            }
            int perMapping = (int) Math.min(count, maxMappingBytes / record);
            List<MappedByteBuffer> mappings = new ArrayList<>();
            for (int first = 0; first < count; first += perMapping) {
                int n = Math.min(perMapping, count - first);
                mappings.add(channel.map(FileChannel.MapMode.READ_ONLY, HEADER_BYTES + first * record, n * record));
            }
            ByteBuffer labelBytes = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, labelBytes, HEADER_BYTES + count * record);
            labelBytes.flip();
            int[] labels = new int[count];
            labelBytes.asIntBuffer().get(labels);
            return new PackedCache(file, format, count, channels, height, width, masks == 1, mappings, perMapping,
                    labels);
        } catch (IOException e) {
            throw new UncheckedIOException("opening cache " + file + " failed", e);
        }
    }

    public PixelFormat format() {
        return format;
    }

    @Override
    public int size() {
        return count;
    }

    /** Reads example {@code index} from the mapping; safe to call from several threads. */
    @Override
    public Example get(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("index " + index + " outside a cache of " + count);
        }
        ByteBuffer mapping = mappings.get(index / recordsPerMapping);
        int offset = (int) ((index % recordsPerMapping) * recordBytes);
        int values = channels * height * width;
        ByteBuffer record = mapping.slice(offset, (int) recordBytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] pixels = new float[values];
        if (format == PixelFormat.UINT8) {
            for (int i = 0; i < values; i++) {
                pixels[i] = ImageOps.fromByte(record.get(i) & 0xFF);
            }
        } else {
            for (int i = 0; i < values; i++) {
                pixels[i] = Float16.toFloat(record.getShort(2 * i));
            }
        }
        FloatImage mask = null;
        if (hasMasks) {
            int start = values * format.bytes;
            float[] m = new float[height * width];
            for (int i = 0; i < m.length; i++) {
                byte b = record.get(start + i);
                if (b != 0 && b != 1) {
                    throw invalid(file, "mask byte " + b + " in record " + index + " is neither 0 nor 1");
                }
                m[i] = b;
            }
            mask = new FloatImage(1, height, width, m);
        }
        return new Example(new FloatImage(channels, height, width, pixels), labels[index], mask);
    }

    private static long recordBytes(PixelFormat format, int channels, int height, int width, boolean masks) {
        return (long) channels * height * width * format.bytes + (masks ? (long) height * width : 0);
    }

    private static ByteBuffer header(PixelFormat format, int count, int channels, int height, int width,
                                     boolean masks) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(VERSION).putInt(format.ordinal()).putInt(count)
                .putInt(channels).putInt(height).putInt(width).putInt(masks ? 1 : 0);
        header.position(HEADER_BYTES);
        header.flip();
        return header;
    }

    private static ByteBuffer records(Batch batch, PixelFormat format) {
        int values = batch.channels() * batch.height() * batch.width();
        int plane = batch.height() * batch.width();
        boolean masks = batch.masks() != null;
        long record = recordBytes(format, batch.channels(), batch.height(), batch.width(), masks);
        ByteBuffer out = ByteBuffer.allocate((int) (record * batch.size())).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < batch.size(); k++) {
            for (int i = 0; i < values; i++) {
                float v = batch.images()[k * values + i];
                if (format == PixelFormat.UINT8) {
                    out.put((byte) ImageOps.toByte(v));
                } else {
                    out.putShort(Float16.fromFloat(v));
                }
            }
            if (masks) {
                for (int i = 0; i < plane; i++) {
                    out.put(batch.masks()[k * plane + i] >= 0.5f ? (byte) 1 : (byte) 0);
                }
            }
        }
        out.flip();
        return out;
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    private static IllegalArgumentException invalid(Path file, String problem) {
        return new IllegalArgumentException("cache " + file + " " + problem);
    }
}
