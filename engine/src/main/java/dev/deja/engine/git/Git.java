package dev.deja.engine.git;

import dev.deja.engine.exec.Cancellation;
import dev.deja.engine.exec.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs git in a folder and returns what it printed, or {@code null} when git is missing or fails: for deja that
 * means "not a checkout", never an error. Git runs with deja's own environment (the user's git configuration).
 */
public final class Git {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Git() {}

    public static String run(Path dir, String... args) {
        return run(dir, Map.of(), args);
    }

    /** As {@link #run(Path, String...)}, with {@code variables} set in git's environment (deja's own besides). */
    static String run(Path dir, Map<String, String> variables, String... args) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        Map<String, String> environment = null;
        if (!variables.isEmpty()) {
            environment = new HashMap<>(System.getenv());
            environment.putAll(variables);
        }
        try {
            ProcessRunner.Result result =
                    new ProcessRunner(environment, Cancellation.never()).capture(dir, command, false, TIMEOUT);
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

    /**
     * Files git knows under {@code dir} (tracked, or untracked and not ignored), relative to it; {@code null} when
     * {@code dir} is not in a checkout.
     */
    public static List<String> listFiles(Path dir) {
        String out = run(dir, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".");
        if (out == null) {
            return null;
        }
        return Stream.of(out.split("\0")).filter(f -> !f.isEmpty()).distinct().toList();
    }

    /** The top folder of the checkout holding {@code dir}, if any. */
    public static Optional<Path> topLevel(Path dir) {
        return Optional.ofNullable(line(dir, "rev-parse", "--show-toplevel")).map(Path::of);
    }

    /**
     * Why git will not work in {@code dir} although it is a checkout (its {@code safe.directory} check of the
     * owner), in git's own words; empty when git has no such objection.
     */
    public static Optional<String> refusal(Path dir) {
        try {
            ProcessRunner.Result result = new ProcessRunner(null, Cancellation.never())
                    .capture(dir, List.of("git", "rev-parse", "--show-toplevel"), true, TIMEOUT);
            if (!result.succeeded() && result.output().contains("safe.directory")) {
                return Optional.of(result.output().strip().replaceAll("\\s*\\n\\s*", " "));
            }
        } catch (ProcessRunner.ProcessException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
