package dev.deja.ci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs programs as a CI job would: in one folder, with only the given environment, no stdin. */
final class Commands {

    private final Path directory;
    private final Map<String, String> env;

    Commands(Path directory, Map<String, String> env) {
        this.directory = directory;
        this.env = Map.copyOf(env);
    }

    record Result(int code, String output) {
        Result requireSuccess() {
            assertThat(code).as(output).isZero();
            return this;
        }
    }

    /** The program's exit code and its output and errors, interleaved. */
    Result run(List<String> command, int timeoutSeconds) throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(timeoutSeconds, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    /** git in {@code repository} as a CI user; its output, stripped. */
    String git(Path repository, String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of("git", "-C", repository.toString(), "-c", "user.email=ci@example.com", "-c", "user.name=ci"));
        command.addAll(List.of(args));
        return run(command, 60).requireSuccess().output().strip();
    }
}
