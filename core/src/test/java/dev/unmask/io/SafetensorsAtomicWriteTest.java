package dev.unmask.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failed write must leave the previous file exactly as it was and no temporary file behind. */
class SafetensorsAtomicWriteTest {

    private static List<Path> listing(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    private static Path previousFile(Path dir) throws IOException {
        Path file = dir.resolve("checkpoint.safetensors");
        new SafetensorsWriter().add(TensorEntry.ofFloats("w", new int[] {2}, new float[] {1, 2}))
                .metadata("epoch", "1").write(file);
        return file;
    }

    @Test
    void aSupplierThatThrowsMidwayLeavesThePreviousFile(@TempDir Path dir) throws IOException {
        Path file = previousFile(dir);
        byte[] before = Files.readAllBytes(file);
        AtomicBoolean firstTensorWritten = new AtomicBoolean();
        RuntimeException failure = new RuntimeException("device lost");
        // "a" (I32) is laid out after "b" (F32): "b" is written, then "a" fails
        SafetensorsWriter failing = new SafetensorsWriter()
                .add("b", SafetensorsDType.F32, new int[] {1024}, () -> {
                    firstTensorWritten.set(true);
                    return ByteBuffer.allocate(4096);
                })
                .add("a", SafetensorsDType.I32, new int[] {1}, () -> {
                    throw failure;
                });

        RuntimeException thrown = assertThrows(RuntimeException.class, () -> failing.write(file));
        assertSame(failure, thrown);
        assertTrue(firstTensorWritten.get(), "the failure came after part of the file was written");
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of(file), listing(dir));
        assertEquals("1", SafetensorsReader.read(file).metadata().get("epoch"));
    }

    @Test
    void aSupplierGivingTheWrongSizeLeavesThePreviousFile(@TempDir Path dir) throws IOException {
        Path file = previousFile(dir);
        byte[] before = Files.readAllBytes(file);
        SafetensorsWriter wrong = new SafetensorsWriter()
                .add("w", SafetensorsDType.F32, new int[] {4}, () -> ByteBuffer.allocate(12));
        assertThrows(IllegalStateException.class, () -> wrong.write(file));
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of(file), listing(dir));
    }

    @Test
    void aSuccessfulWriteReplacesThePreviousFile(@TempDir Path dir) throws IOException {
        Path file = previousFile(dir);
        new SafetensorsWriter().add(TensorEntry.ofInts("steps", new int[0], new int[] {7})).write(file);
        SafetensorsContent c = SafetensorsReader.read(file);
        assertFalse(c.contains("w"));
        assertArrayEquals(new int[] {7}, c.tensor("steps").toInts());
        assertEquals(List.of(file), listing(dir));
    }

    @Test
    void writingIntoAMissingFolderFailsWithoutSideEffects(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("missing").resolve("x.safetensors");
        assertThrows(NoSuchFileException.class, () -> new SafetensorsWriter().write(file));
        assertEquals(List.of(), listing(dir));
    }
}
