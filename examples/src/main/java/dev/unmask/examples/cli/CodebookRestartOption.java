package dev.unmask.examples.cli;

import dev.unmask.models.vqvae.VqVae;
import picocli.CommandLine.Option;

/** The {@code --codebook-restart-threshold} option of the commands that train a VQ-VAE. */
final class CodebookRestartOption {
    @Option(names = "--codebook-restart-threshold", description = "move VQ-VAE codes whose EMA cluster size falls"
            + " below this onto random batch vectors during training, 0 for never (default: ${DEFAULT-VALUE})")
    float threshold = 0;

    /** The option with another default value (picocli shows it in the help). */
    static CodebookRestartOption withDefault(float threshold) {
        CodebookRestartOption option = new CodebookRestartOption();
        option.threshold = threshold;
        return option;
    }

    /** Sets the threshold on the quantiser of {@code vqvae} before its training. */
    void applyTo(VqVae vqvae) {
        vqvae.quantizer().restartCodesBelow(threshold);
    }
}
