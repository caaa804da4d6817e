package dev.unmask.cuda;

import dev.unmask.Detection;
import dev.unmask.DetectionOptions;
import dev.unmask.Detector;
import dev.unmask.backend.cuda.CudaBackend;
import dev.unmask.backend.cuda.EmulatedRuntime;
import dev.unmask.data.FloatImage;
import dev.unmask.data.SynthFaces;
import dev.unmask.detectors.latent.TinyLatentModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every {@link Detector} call runs in a backend scope: on the CUDA backend it leaves no device memory behind. */
class DetectorDeviceMemoryTest {
    @TempDir
    Path dir;

    @Test
    void liveDeviceMemoryIsUnchangedAfterEachCall() throws IOException {
        Path bundle = dir.resolve("tiny.safetensors");
        TinyLatentModels.trained(3).save(bundle);
        EmulatedRuntime runtime = EmulatedRuntime.create();
        FloatImage face = new SynthFaces(3, TinyLatentModels.SIZE, 0).face(1);
        try (CudaBackend cuda = new CudaBackend(runtime); Detector detector = Detector.load(bundle, cuda)) {
            int loaded = runtime.liveAllocations();
            assertTrue(loaded > 0, "the model's parameters live on the device");
            Detection first = detector.detectAll(List.of(face), DetectionOptions.DEFAULTS).get(0);
            assertEquals(loaded, runtime.liveAllocations(), "after a score");
            detector.detectAll(List.of(face), DetectionOptions.DEFAULTS.withHeatMap(true));
            assertEquals(loaded, runtime.liveAllocations(), "after a heat-map");
            assertEquals(first, detector.detectAll(List.of(face), DetectionOptions.DEFAULTS).get(0));
            assertEquals(loaded, runtime.liveAllocations(), "after a repeated call");
        }
        assertEquals(0, runtime.liveAllocations(), "closing the backend frees the model");
    }
}
