package dev.unmask.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks the nvcc build: the fatbin is packaged as a resource, every kernel was compiled for every
 * architecture, and no fused kernel (vq_nearest, causal_attention*, min_avg_pool, batch_norm*) uses local memory:
 * no register spills and no stack frame (a register array indexed at run time lands there too),
 * according to {@code target/ptxas-report.txt} written by {@code build-fatbin.sh}.
 */
class PtxasReportTest {
    private static final Path REPORT = Path.of("target/ptxas-report.txt");
    private static final List<String> ARCHITECTURES = List.of("sm_75", "sm_80", "sm_90");
    private static final Pattern ENTRY = Pattern.compile("Compiling entry function '(\\w+)' for '(\\w+)'");
    private static final Pattern SPILLS = Pattern.compile("(\\d+) bytes stack frame, (\\d+) bytes spill stores, (\\d+) bytes spill loads");

    /** "kernel@arch" to its local memory bytes: stack frame + spill stores + spill loads. */
    static Map<String, Integer> spillsByKernel(List<String> report) {
        Map<String, Integer> spills = new LinkedHashMap<>();
        String current = null;
        for (String line : report) {
            Matcher entry = ENTRY.matcher(line);
            if (entry.find()) {
                current = entry.group(1) + "@" + entry.group(2);
                continue;
            }
            Matcher spill = SPILLS.matcher(line);
            if (spill.find() && current != null) {
                spills.put(current, Integer.parseInt(spill.group(1)) + Integer.parseInt(spill.group(2))
                        + Integer.parseInt(spill.group(3)));
                current = null;
            }
        }
        return spills;
    }

    static boolean isFused(String kernel) {
        return kernel.equals("vq_nearest") || kernel.startsWith("causal_attention") || kernel.equals("min_avg_pool")
                || kernel.startsWith("batch_norm");
    }

    @Test
    void fusedKernelsUseNoLocalMemoryOnAnyArchitecture() throws IOException {
        if (!Files.exists(REPORT)) {
            if ("true".equals(System.getenv("CI"))) {
                fail("no " + REPORT + ": the nvcc build did not run, and CI=true requires it");
            }
            Assumptions.abort("no " + REPORT + " (nvcc missing): the fatbin was not built");
        }
        assertTrue(Files.exists(Path.of("target/classes/dev/unmask/cuda/unmask_kernels.fatbin")), "fatbin missing from target/classes");
        Map<String, Integer> spills = spillsByKernel(Files.readAllLines(REPORT));
        List<String> fusedKernels = new ArrayList<>(List.of("vq_nearest", "min_avg_pool", "batch_norm_statistics",
                "batch_norm_forward", "batch_norm_backward_reduce", "batch_norm_backward_input"));
        for (String width : List.of("d8", "d16", "d32")) {
            for (String kernel : List.of("causal_attention_forward_", "causal_attention_backward_query_",
                    "causal_attention_backward_key_value_")) {
                fusedKernels.add(kernel + width);
            }
        }
        for (String fused : fusedKernels) {
            for (String arch : ARCHITECTURES) {
                assertTrue(spills.containsKey(fused + "@" + arch), fused + " was not compiled for " + arch);
            }
        }
        List<String> spilling = new ArrayList<>();
        spills.forEach((kernel, bytes) -> {
            if (bytes > 0 && isFused(kernel.substring(0, kernel.indexOf('@')))) {
                spilling.add(kernel + " (" + bytes + " bytes)");
            }
        });
        assertTrue(spilling.isEmpty(), "fused kernels use local memory (stack frame or spills): " + spilling);
    }

    @Test
    void emulatorRegistryListsEveryCompiledKernel() throws IOException {
        if (!Files.exists(REPORT)) {
            Assumptions.abort("no " + REPORT + " (nvcc missing): nothing to compare the registry with");
        }
        Set<String> compiled = new TreeSet<>();
        for (String kernel : spillsByKernel(Files.readAllLines(REPORT)).keySet()) {
            compiled.add(kernel.substring(0, kernel.indexOf('@')));
        }
        Set<String> registered = new TreeSet<>();
        Matcher entry = Pattern.compile("^\\s+KERNEL\\((\\w+)\\),", Pattern.MULTILINE)
                .matcher(Files.readString(Path.of("emulator/jni/emulated_runtime.cpp")));
        while (entry.find()) {
            registered.add(entry.group(1));
        }
        assertEquals(compiled, registered, "emulator/jni/emulated_runtime.cpp must register exactly the kernels nvcc compiles");
    }

    @Test
    void parserFindsLocalMemoryPerKernelAndArchitecture() {
        List<String> report = List.of(
                "ptxas info    : Compiling entry function 'vq_nearest' for 'sm_80'",
                "ptxas info    : Function properties for vq_nearest",
                "    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads",
                "ptxas info    : Compiling entry function 'min_avg_pool' for 'sm_75'",
                "ptxas info    : Function properties for min_avg_pool",
                "    16 bytes stack frame, 12 bytes spill stores, 8 bytes spill loads");
        Map<String, Integer> spills = spillsByKernel(report);
        assertEquals(Map.of("vq_nearest@sm_80", 0, "min_avg_pool@sm_75", 36), spills);
        assertTrue(isFused("causal_attention_backward_query"));
        assertTrue(isFused("batch_norm_backward_reduce"));
        assertFalse(isFused("unary_f32"));
    }
}
