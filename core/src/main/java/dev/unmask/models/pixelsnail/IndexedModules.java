package dev.unmask.models.pixelsnail;

import dev.unmask.nn.Module;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** PyTorch's {@code nn.ModuleList}: children named by position ("0", "1", ...), so names match. */
final class IndexedModules<M extends Module> extends Module {
    private final List<M> modules = new ArrayList<>();

    void add(M module) {
        modules.add(registerModule(Integer.toString(modules.size()), module));
    }

    List<M> list() {
        return Collections.unmodifiableList(modules);
    }
}
