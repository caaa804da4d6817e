package dev.unmask.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs every CUDA kernel on the CPU: compiles each C++ driver in {@code emulator/tests} with g++
 * against {@code cuda_emu.h} and the production {@code .cu} sources into {@code target/emulator-tests},
 * runs it, and fails on a non-zero exit (a mismatch against the driver's CPU reference, or an
 * emulator abort such as a divergent barrier). Without g++ the tests are skipped, except in CI
 * ({@code CI=true}), where a missing g++ is a failure.
 */
class EmulatorKernelTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path TESTS = MODULE.resolve("emulator/tests");
    private static final Path OUT = MODULE.resolve("target/emulator-tests");
    /** Generous bounds for a loaded 2-core machine; the drivers take seconds. */
    private static final long COMPILE_TIMEOUT_SECONDS = 300;
    private static final long RUN_TIMEOUT_SECONDS = 300;

    @TestFactory
    Stream<DynamicTest> everyKernelFamilyMatchesItsCpuReference() throws IOException {
        requireCompiler();
        List<Path> drivers = new ArrayList<>();
        try (Stream<Path> files = Files.list(TESTS)) {
            files.filter(p -> p.getFileName().toString().endsWith(".cpp")).sorted().forEach(drivers::add);
        }
        assertTrue(drivers.size() >= 9, "expected the self-test and eight kernel drivers in " + TESTS + ", found " + drivers);
        Files.createDirectories(OUT);
        // Compiling dominates; start every g++ at once on all cores, then run the drivers one by one.
        ExecutorService compilers = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        Map<Path, Future<Result>> compiled = new LinkedHashMap<>();
        for (Path source : drivers) {
            compiled.put(source, compilers.submit(() -> compile(source)));
        }
        compilers.shutdown();
        return drivers.stream().map(source -> DynamicTest.dynamicTest(source.getFileName().toString(), () -> {
            Result compile = compiled.get(source).get();
            assertEquals(0, compile.exitCode, () -> "g++ failed for " + source + ":\n" + compile.output);
            Result result = run(List.of(binary(source).toString()), RUN_TIMEOUT_SECONDS);
            assertEquals(0, result.exitCode, () -> source.getFileName() + " reported failures:\n" + result.output);
        }));
    }

    private static Path binary(Path source) {
        return OUT.resolve(source.getFileName().toString().replace(".cpp", ""));
    }

    private static Result compile(Path source) throws IOException, InterruptedException {
        return run(List.of("g++", "-std=c++17", "-O1", "-Wall", "-Wextra", "-Werror", "-Wno-unknown-pragmas",
                "-Wno-unused-parameter", "-pthread", "-I" + MODULE.resolve("emulator"), "-I" + TESTS,
                "-I" + MODULE.resolve("src/main/cuda"), source.toString(), "-o", binary(source).toString()), COMPILE_TIMEOUT_SECONDS);
    }

    private static void requireCompiler() {
        boolean present;
        try {
            present = run(List.of("g++", "--version"), 60).exitCode == 0;
        } catch (IOException | InterruptedException e) {
            present = false;
        }
        if (!present) {
            if ("true".equals(System.getenv("CI"))) {
                fail("g++ is not on PATH: CI=true requires it to run the CUDA kernels under the emulator");
            }
            Assumptions.abort("g++ is not on PATH: skipping the CUDA kernel tests under the emulator");
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[][] output = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                output[0] = process.getInputStream().readAllBytes();
            } catch (IOException e) {
                output[0] = ("could not read output: " + e).getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            reader.join();
            fail(command.get(0) + " did not finish within " + timeoutSeconds + " s");
        }
        reader.join();
        return new Result(process.exitValue(), new String(output[0], StandardCharsets.UTF_8));
    }
}
