package dev.unmask;

import dev.unmask.detectors.latent.TinyLatentModels;
import dev.unmask.HostileInputs.Outcome;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageOps;
import dev.unmask.data.TestPngs;
import dev.unmask.testing.ForkedJvm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Images whose decoded pixels would not fit the heap: a 6000 x 6000 solid PNG is 120 KB on disk and below
 * the declared-pixel limit, but 6000 x 6000 RGB floats alone are 432 MB. In a 512 MB heap no such image may
 * end a batch with an {@link OutOfMemoryError}: scoring decodes it subsampled to what the model input needs,
 * and decoding it whole is refused with the reason.
 */
class HugeImageTest {
    private static final String HEAP = "-Xmx512m";

    @TempDir
    static Path dir;
    private static Path bundle;
    private static Path huge;
    private static Path wide;
    private static Path truncated;
    private static Path small;

    @BeforeAll
    static void files() throws IOException {
        bundle = dir.resolve("tiny.safetensors");
        TinyLatentModels.trained(7).save(bundle);
        huge = dir.resolve("solid-6000x6000.png");
        TestPngs.writeSolid(huge, 6000, 6000, 0x4078C8);
        wide = dir.resolve("solid-24000x1500.png");
        TestPngs.writeSolid(wide, 24000, 1500, 0x206040);
        FloatImage face = new dev.unmask.data.SynthFaces(7, 64, 0).face(1);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(ImageOps.toBufferedImage(face), "png", png);
        small = dir.resolve("face.png");
        Files.write(small, png.toByteArray());
        truncated = dir.resolve("truncated.png");
        Files.write(truncated, Arrays.copyOf(png.toByteArray(), png.size() / 2));
    }

    private static Map<String, Outcome> run(String... args) throws Exception {
        String output = ForkedJvm.run(dir.resolve("child.log"), List.of(HEAP), HostileInputs.class, args);
        return HostileInputs.Outcome.all(output).stream().collect(Collectors.toMap(Outcome::name, o -> o));
    }

    @Test
    void aBatchWithHugeAndCorruptImagesIsScoredToTheEndInA512MegabyteHeap() throws Exception {
        Map<String, Outcome> got = run("detect", bundle.toString(), huge.toString(), truncated.toString(),
                wide.toString(), small.toString());
        for (String name : List.of(huge, wide, small).stream().map(p -> p.getFileName().toString()).toList()) {
            assertEquals("ok", got.get(name + "[path]").outcome(), got.get(name + "[path]").toString());
            assertEquals("ok", got.get(name + "[bytes]").outcome(), got.get(name + "[bytes]").toString());
        }
        assertEquals("ImageFileException", got.get("truncated.png[path]").outcome(), got.toString());
        assertEquals("ImageFileException", got.get("truncated.png[bytes]").outcome(), got.toString());
    }

    @Test
    void decodingAHugeImageWholeIsRefusedWithTheMemoryItNeeds() throws Exception {
        Outcome o = run("decode-whole", huge.toString()).get(huge.getFileName().toString());
        assertEquals("ImageFileException", o.outcome(), o.toString());
        assertTrue(o.message().contains("6000x6000") && o.message().contains("MB"), o.message());
    }

    @Test
    void aCorruptImageFailsWithTheSameExceptionFromAFileAndFromBytes() throws Exception {
        try (Detector detector = Detector.load(bundle)) {
            RuntimeException fromFile = assertThrows(RuntimeException.class, () -> detector.detect(truncated));
            RuntimeException fromBytes = assertThrows(RuntimeException.class,
                    () -> detector.detect(Files.readAllBytes(truncated)));
            assertEquals(fromFile.getClass(), fromBytes.getClass());
            assertTrue(fromBytes.getMessage().contains("corrupt or truncated"), fromBytes.getMessage());
        }
    }
}
