package dev.deja.cli;

import dev.deja.packer.InputException;
import dev.deja.registry.RegistryException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.nio.file.Path;
import picocli.CommandLine;

/** Entry point: the only place that calls {@code System.exit}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        System.exit(run(args, stdout, new FileOutputStream(FileDescriptor.err), System.getenv()));
    }

    /**
     * Runs deja and returns the exit code (for tests and for {@link #main}).
     *
     * @param stdout where results go (binary: {@code context -o -} writes a tar there)
     * @param stderr where errors and progress go
     * @param environment the environment variables deja reads ({@code DEJA_DIGEST_CACHE}, …)
     */
    public static int run(String[] args, OutputStream stdout, OutputStream stderr, Map<String, String> environment) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
        CommandLine cli = new CommandLine(new DejaCommand(stdout, environment));
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
            if (exception instanceof dev.deja.engine.DockerDaemon.DaemonException daemon) {
                err.println("deja: docker error: " + daemon.getMessage());
                err.flush();
                return ExitCodes.UNREACHABLE;
            }
            if (exception instanceof RegistryException registry) {
                err.println("deja: registry error: " + registry.getMessage());
                err.flush();
                return ExitCodes.UNREACHABLE;
            }
            throw exception;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
