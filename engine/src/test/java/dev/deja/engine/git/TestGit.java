package dev.deja.engine.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Real git for the tests: a command that must succeed, as a committer of its own. */
final class TestGit {

    private TestGit() {}

    /** What {@code git args} printed (standard error merged) in {@code dir}; fails the test when git does. */
    static String git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "protocol.file.allow=always"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }
}
