package dev.unmask.backend.cuda;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@link DeviceRuntime} that runs the production kernels ({@code src/main/cuda/*.cu}) on the CPU: they
 * are compiled by g++ against {@code emulator/cuda_emu.h} with the JNI glue of {@code emulator/jni}
 * into {@code target/emulator/libunmask_emulated.so} (rebuilt only when a source is newer). Device
 * memory is host memory filled with 0xFF bytes; handles are addresses, checked against the live
 * allocations so a bad free or an oversized copy is an exception rather than a crash.
 *
 * <p>Tests call {@link #create()}: without g++ it skips the test with a message, unless the
 * environment variable {@code CI} is {@code true}, where it fails.
 */
public final class EmulatedRuntime implements DeviceRuntime {
    private static final Path MODULE = moduleDirectory();
    private static final Path LIBRARY = MODULE.resolve("target/emulator/libunmask_emulated.so");
    private static final long COMPILE_TIMEOUT_MINUTES = 5;
    private static String loadFailure;
    private static boolean loaded;

    private final Map<Long, Long> allocations = new ConcurrentHashMap<>();

    /**
     * How the emulator runs the threads of a block (process-wide): {@code PARALLEL} lets the OS interleave
     * them; {@code FORWARD} and {@code REVERSE} run one thread at a time in thread order (or reverse) until
     * it blocks, so a missing barrier makes a reader run before its writer under one of the two.
     */
    public enum Schedule {
        PARALLEL, FORWARD, REVERSE
    }

    private EmulatedRuntime() {
    }

    /**
     * A runtime over the emulated kernels; skips (or, with {@code CI=true}, fails) the test without g++.
     * A compile error always fails: it is a bug in the kernels or the glue.
     */
    public static EmulatedRuntime create() {
        String failure = load();
        if (failure != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("emulated CUDA runtime unavailable on CI: " + failure);
            }
            Assumptions.abort("emulated CUDA runtime unavailable: " + failure);
        }
        return new EmulatedRuntime();
    }

    private static Path moduleDirectory() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("emulator")) ? here : here.resolve("cuda-kernels");
    }

    /** Builds (if stale) and loads the library once; returns why g++ is unavailable, or null. */
    private static synchronized String load() {
        if (loaded || loadFailure != null) {
            return loadFailure;
        }
        try {
            if (isStale()) {
                if (!compilerPresent()) {
                    loadFailure = "g++ not found; install g++ to run the emulated CUDA tests";
                    return loadFailure;
                }
                compile();
            }
            System.load(LIBRARY.toString());
            loaded = true;
        } catch (IOException e) {
            throw new IllegalStateException("building the emulated CUDA runtime failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling the emulator", e);
        }
        return null;
    }

    private static boolean compilerPresent() throws InterruptedException {
        try {
            Process probe = new ProcessBuilder("g++", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return probe.waitFor(1, TimeUnit.MINUTES) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> sources() throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path dir : List.of(MODULE.resolve("emulator"), MODULE.resolve("emulator/jni"), MODULE.resolve("src/main/cuda"))) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(Files::isRegularFile).forEach(all::add);
            }
        }
        return all;
    }

    private static boolean isStale() throws IOException {
        if (!Files.exists(LIBRARY)) {
            return true;
        }
        FileTime built = Files.getLastModifiedTime(LIBRARY);
        for (Path source : sources()) {
            if (Files.getLastModifiedTime(source).compareTo(built) > 0) {
                return true;
            }
        }
        return false;
    }

    private static void compile() throws IOException, InterruptedException {
        Files.createDirectories(LIBRARY.getParent());
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path temporary = LIBRARY.resolveSibling("libunmask_emulated.so.tmp");
        Path log = LIBRARY.resolveSibling("compile.log");
        List<String> command = List.of("g++", "-O2", "-std=c++17", "-fPIC", "-shared", "-pthread",
                "-I" + javaHome.resolve("include"), "-I" + javaHome.resolve("include/linux"),
                "-I" + MODULE.resolve("emulator"), "-I" + MODULE.resolve("src/main/cuda"),
                MODULE.resolve("emulator/jni/emulated_runtime.cpp").toString(), "-o", temporary.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(COMPILE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("g++ took longer than " + COMPILE_TIMEOUT_MINUTES + " minutes");
        }
        if (process.exitValue() != 0) {
            throw new IOException("g++ failed (exit " + process.exitValue() + "): " + String.join(" ", command) + "\n"
                    + Files.readString(log));
        }
        Files.move(temporary, LIBRARY, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void requireRange(long handle, long bytes, String what) {
        Long size = allocations.get(handle);
        if (size == null) {
            throw new DeviceException(what + ": unknown or freed device pointer " + handle);
        }
        if (bytes > size) {
            throw new DeviceException(what + ": " + bytes + " bytes do not fit an allocation of " + size);
        }
    }

    @Override
    public String name() {
        return "emulated (cuda_emu.h)";
    }

    @Override
    public long allocate(long bytes) {
        if (bytes <= 0) {
            throw new DeviceException("allocate: size must be positive, got " + bytes);
        }
        long handle = allocate0(bytes);
        allocations.put(handle, bytes);
        return handle;
    }

    @Override
    public void free(long pointer) {
        if (allocations.remove(pointer) == null) {
            throw new DeviceException("free: unknown or already freed device pointer " + pointer);
        }
        free0(pointer);
    }

    /** Number of allocations not yet freed (leak checks). */
    public int liveAllocations() {
        return allocations.size();
    }

    @Override
    public void copyToDevice(long destination, float[] source) {
        requireRange(destination, 4L * source.length, "copyToDevice");
        copyFloatsIn(destination, source);
    }

    @Override
    public void copyToDevice(long destination, int[] source) {
        requireRange(destination, 4L * source.length, "copyToDevice");
        copyIntsIn(destination, source);
    }

    @Override
    public void copyToHost(long source, float[] destination) {
        requireRange(source, 4L * destination.length, "copyToHost");
        copyFloatsOut(source, destination);
    }

    @Override
    public void copyToHost(long source, int[] destination) {
        requireRange(source, 4L * destination.length, "copyToHost");
        copyIntsOut(source, destination);
    }

    @Override
    public void copyDeviceToDevice(long destination, long source, long bytes) {
        requireRange(destination, bytes, "copyDeviceToDevice");
        requireRange(source, bytes, "copyDeviceToDevice");
        copyBytes(destination, source, bytes);
    }

    @Override
    public void zero(long pointer, long bytes) {
        requireRange(pointer, bytes, "zero");
        zero0(pointer, bytes);
    }

    @Override
    public void launch(String kernel, Dim3 grid, Dim3 block, int sharedBytes, KernelArgs args) {
        for (KernelArgs.Arg a : args.list()) {
            if (a.kind() == KernelArgs.Kind.POINTER && a.value() != 0) {
                Long size = allocations.get(a.value());
                if (size == null || a.byteOffset() >= size) {
                    throw new DeviceException("launch " + kernel + ": argument is not inside a live allocation: "
                            + a.value() + " + " + a.byteOffset());
                }
            }
        }
        launch0(kernel, grid.x(), grid.y(), grid.z(), block.x(), block.y(), block.z(), sharedBytes, args.signature(),
                args.packed());
    }

    /** Sets the thread schedule of every later launch (of every emulated runtime in this process). */
    public void setSchedule(Schedule schedule) {
        setSchedule0(schedule.ordinal());
    }

    /** Launches run to completion before {@link #launch} returns. */
    @Override
    public void synchronize() {
    }

    /** Frees whatever is still allocated. */
    @Override
    public void close() {
        for (Long handle : List.copyOf(allocations.keySet())) {
            free(handle);
        }
    }

    private static native long allocate0(long bytes);

    private static native void free0(long pointer);

    private static native void copyFloatsIn(long destination, float[] source);

    private static native void copyIntsIn(long destination, int[] source);

    private static native void copyFloatsOut(long source, float[] destination);

    private static native void copyIntsOut(long source, int[] destination);

    private static native void copyBytes(long destination, long source, long bytes);

    private static native void zero0(long pointer, long bytes);

    private static native void setSchedule0(int schedule);

    private static native void launch0(String kernel, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                                       int sharedBytes, String signature, byte[] packed);
}
