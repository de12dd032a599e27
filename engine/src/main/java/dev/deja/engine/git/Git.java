package dev.deja.engine.git;

import dev.deja.engine.exec.Cancellation;
import dev.deja.engine.exec.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs git in a folder and returns what it printed, or {@code null} when git is missing or fails: for deja that
 * means "not a checkout", never an error. Git runs with deja's own environment (the user's git configuration).
 */
public final class Git {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Git() {}

    public static String run(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        try {
            ProcessRunner.Result result =
                    new ProcessRunner(null, Cancellation.never()).capture(dir, command, false, TIMEOUT);
            return result.succeeded() ? result.output() : null;
        } catch (ProcessRunner.ProcessException e) {
            return null;
        }
    }

    /** The first line of git's output, trimmed, or {@code null}. */
    public static String line(Path dir, String... args) {
        String out = run(dir, args);
        if (out == null) {
            return null;
        }
        String line = out.lines().findFirst().orElse("").strip();
        return line.isEmpty() ? null : line;
    }
}
