package dev.unmask.examples.cli;

import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.models.vqvae.VqVaeConfig;

import java.util.List;
import java.util.Locale;

/** Named model shapes of the CLI: the DESIGN presets and the demo's small one. */
record Presets(VqVaeConfig vqvae, PixelSnailConfig prior) {
    static final List<String> NAMES = List.of("demo-32", "faces-128", "fmnist-32");

    /**
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    static Presets of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "demo-32" -> new Presets(DemoCommand.vqvaeConfig(), DemoCommand.priorConfig());
            case "faces-128" -> new Presets(VqVaeConfig.faces128(), PixelSnailConfig.faces128());
            case "fmnist-32" -> new Presets(VqVaeConfig.fmnist32(), PixelSnailConfig.fmnist32());
            default -> throw new IllegalArgumentException("unknown preset '" + name + "' (known: " + NAMES + ")");
        };
    }
}
