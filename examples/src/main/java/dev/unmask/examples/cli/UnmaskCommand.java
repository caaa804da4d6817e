package dev.unmask.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** The {@code unmask} command line: one subcommand per job. */
@Command(name = "unmask", mixinStandardHelpOptions = true, version = "unmask 0.1.0-SNAPSHOT",
        description = "Detect manipulated and generated faces, and show where an image was changed.",
        subcommands = {DemoCommand.class})
public final class UnmaskCommand implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new UnmaskCommand()).execute(args));
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }
}
