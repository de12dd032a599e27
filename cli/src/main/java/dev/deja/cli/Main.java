package dev.deja.cli;

import dev.deja.packer.InputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/** Entry point: the only place that calls {@code System.exit}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs deja and returns the exit code (for tests and for {@link #main}). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new DejaCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setUsageHelpAutoWidth(true);
        cli.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
            if (exception instanceof InputException input) {
                err.println("deja: error: " + input.describe(Path.of("").toAbsolutePath()));
                err.flush();
                return ExitCodes.USAGE_OR_CONFIG;
            }
            throw exception;
        });
        return cli.execute(args);
    }
}
