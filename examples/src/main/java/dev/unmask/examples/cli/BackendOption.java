package dev.unmask.examples.cli;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import picocli.CommandLine.Option;

/**
 * The {@code --backend} option every command that runs a model takes (a picocli mixin). An explicit {@code cuda}
 * that cannot start is an error; {@code auto} takes CUDA where it starts and otherwise the CPU, with a logged
 * reason.
 */
final class BackendOption {
    @Option(names = "--backend", paramLabel = "NAME",
            description = "auto, cpu, cpu-reference or cuda (default: ${DEFAULT-VALUE}); an explicit cuda that cannot "
                    + "start is an error, auto falls back to the CPU")
    String backend = "cpu";

    /** A new backend of the chosen name, which the caller closes. */
    Backend create() {
        return Backends.require(backend);
    }
}
