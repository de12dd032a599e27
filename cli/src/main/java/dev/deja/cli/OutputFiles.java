package dev.deja.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import picocli.CommandLine;

/** The files deja writes besides standard output: reports, and the files GitHub Actions names in variables. */
final class OutputFiles {

    private OutputFiles() {}

    /** Writes {@code content} to {@code file}, replacing it, or appending (GitHub's output and summary files). */
    static void write(Path file, String content, boolean append) throws IOException {
        if (append) {
            Files.writeString(file, content, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } else {
            Files.writeString(file, content);
        }
    }

    /** The file a GitHub Actions variable names ({@code GITHUB_OUTPUT}, {@code GITHUB_STEP_SUMMARY}), if set. */
    static Optional<Path> github(CommandLine.Model.CommandSpec spec, String variable) {
        String value = ProjectContext.root(spec).environment.getOrDefault(variable, "");
        return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value));
    }
}
