package dev.unmask.io;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random corruptions of a valid file: the reader must either accept the bytes (and then convert every
 * tensor or fail with its own exception) or reject them with {@link SafetensorsFormatException}. Any
 * other exception or error escaping is a bug.
 */
class SafetensorsFuzzTest {
    private static final long SEED = 20261121L;
    private static final int ITERATIONS = 4000;

    private static byte[] validImage() {
        return new SafetensorsWriter()
                .metadata("model", "vqvae")
                .metadata("threshold", "0.25")
                .add(TensorEntry.ofFloats("enc.w", new int[] {2, 3}, new float[] {1, -2, 3, 0.5f, 0, -0f}))
                .add(TensorEntry.ofInts("codes", new int[] {2, 2}, new int[] {1, 2, 3, 4}))
                .add(TensorEntry.ofFloats("empty", new int[] {0, 4}, new float[0]))
                .add("h", SafetensorsDType.F16, new int[] {3}, () -> ByteBuffer.wrap(new byte[] {0, 0x3C, 0, 0x7C, 1, 0}))
                .add("l", SafetensorsDType.I64, new int[0], () -> ByteBuffer.wrap(new byte[] {5, 0, 0, 0, 0, 0, 0, 0}))
                .toBytes();
    }

    /** One to four edits: byte overwrites (mostly in the header, where the rules live), truncations, insertions. */
    private static byte[] mutate(byte[] image, SplittableRandom random) {
        byte[] b = image.clone();
        int headerEnd = 8 + (int) ByteBuffer.wrap(image, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int kind = random.nextInt(10);
            if (kind < 6) {
                int at = random.nextInt(10) < 8 ? random.nextInt(Math.min(headerEnd, b.length)) : random.nextInt(b.length);
                b[at] = random.nextInt(3) == 0 ? (byte) random.nextInt(256) : (byte) "{}[]\",:0123456789- eE.".charAt(random.nextInt(22));
            } else if (kind < 8) {
                b = Arrays.copyOf(b, random.nextInt(b.length));
            } else {
                int at = random.nextInt(b.length + 1);
                byte[] grown = new byte[b.length + 1];
                System.arraycopy(b, 0, grown, 0, at);
                grown[at] = (byte) random.nextInt(256);
                System.arraycopy(b, at, grown, at + 1, b.length - at);
                b = grown;
            }
        }
        return b;
    }

    private static void readAndConvert(byte[] bytes, boolean asStream) throws IOException {
        SafetensorsContent c = asStream
                ? SafetensorsReader.read(new ByteArrayInputStream(bytes))
                : SafetensorsReader.read(bytes);
        for (TensorEntry t : c.tensors()) {
            if (t.dtype().isFloatingPoint()) {
                t.toFloats();
            } else {
                t.toInts();
            }
        }
    }

    @Test
    void corruptedFilesFailOnlyWithTheReadersException() {
        byte[] image = validImage();
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] bytes = mutate(image, random);
            for (boolean asStream : new boolean[] {false, true}) {
                try {
                    readAndConvert(bytes, asStream);
                } catch (SafetensorsFormatException expected) {
                    // the one allowed way to fail
                } catch (Throwable t) {
                    fail("iteration " + i + (asStream ? " (stream)" : "") + ": " + t + " for bytes "
                            + Arrays.toString(bytes), t);
                }
            }
        }
    }
}
