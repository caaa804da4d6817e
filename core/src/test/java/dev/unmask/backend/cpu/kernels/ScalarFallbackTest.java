package dev.unmask.backend.cpu.kernels;

import dev.unmask.backend.cpu.CpuBackend;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Starts a JVM without {@code --add-modules jdk.incubator.vector} and checks that the CPU backend still
 * works, on the scalar kernels, and says once how to get the SIMD ones.
 */
class ScalarFallbackTest {

    /** Entry point of the child JVM: prints the kernels in use and a convolution result. */
    public static void main(String[] args) {
        CpuBackend cpu = new CpuBackend();
        Tensor x = cpu.fromFloats(new float[] {1, 2, 3, 4}, Shape.of(1, 1, 2, 2));
        Tensor w = cpu.fromFloats(new float[] {1, 1, 1, 1}, Shape.of(1, 1, 2, 2));
        float sum = cpu.conv2d(x, w, null, Conv2dParams.of(1, 0)).item();
        float product = cpu.matmul(x.reshape(2, 2), w.reshape(2, 2), false, false).toFloatArray()[3];
        System.out.println("kernels=" + KernelProvider.kernels().getClass().getSimpleName() + " conv=" + sum + " matmul=" + product);
    }

    @Test
    void cpuBackendRunsOnScalarKernelsWithoutTheVectorModule() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.logFile=System.out", ScalarFallbackTest.class.getName()))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        // 1+2+3+4 = 10; row 2 of [[1,2],[3,4]] times a column of ones = 3+4 = 7
        assertTrue(output.contains("kernels=ScalarFloatKernels conv=10.0 matmul=7.0"), output);
        assertEquals(1, output.split("pass --add-modules jdk.incubator.vector", -1).length - 1, output);
    }
}
