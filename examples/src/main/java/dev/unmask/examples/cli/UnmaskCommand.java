package dev.unmask.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** The {@code unmask} command line: one subcommand per job. */
@Command(name = "unmask", mixinStandardHelpOptions = true, versionProvider = UnmaskCommand.Version.class,
        description = "Detect manipulated and generated faces, and show where an image was changed.",
        subcommands = {DemoCommand.class, TrainCommand.class, TrainVqVaeCommand.class, TrainPriorCommand.class,
                CalibrateCommand.class, DetectCommand.class, FashionMnistCommand.class,
                EvaluateCommand.class, ImportCommand.class, ImportKerasCommand.class, SynthFacesCommand.class})
public final class UnmaskCommand implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Exit code of a failure at run time, or of a run that skipped some inputs. */
    static final int FAILURE = 1;
    /** Exit code of a usage error: an unknown option, a missing or invalid argument. */
    static final int USAGE = 2;

    /**
     * The command line with its handler for failures: one line naming the problem; exit code {@value #USAGE} for an
     * invalid argument ({@link IllegalArgumentException}), {@value #FAILURE} for anything else.
     */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new UnmaskCommand());
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("unmask " + command.getCommandName() + ": " + ErrorMessages.describe(e));
            return e instanceof IllegalArgumentException ? USAGE : FAILURE;
        });
        return cli;
    }

    /** The version the build wrote into {@code version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = UnmaskCommand.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    throw new java.io.IOException("version.properties is missing from the build");
                }
                p.load(in);
            }
            return new String[] {"unmask " + p.getProperty("version")};
        }
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }
}
