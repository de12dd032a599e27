package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Throwaway git checkouts and deja runs in them, with a home of their own (no user's git config or cache). */
final class GitCheckouts {

    private final Path home;
    private final List<String> settings;

    /** @param settings {@code git -c} settings given to every git command ({@code name=value}) */
    GitCheckouts(Path home, List<String> settings) throws java.io.IOException {
        this.home = Files.createDirectories(home);
        List<String> all = new ArrayList<>(List.of("user.email=t@example.com", "user.name=t"));
        all.addAll(settings);
        this.settings = List.copyOf(all);
    }

    /** Runs git in {@code dir}; a failure fails the test with git's output. Returns the output, stripped. */
    String git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        settings.forEach(setting -> command.addAll(List.of("-c", setting)));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("HOME", home.toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
        return out.strip();
    }

    /** deja's environment: this home, and the digest cache in {@code cache} ({@code null}: off). */
    Map<String, String> env(Path cache) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", home.toString());
        env.put("DEJA_DIGEST_CACHE", cache == null ? "off" : cache.toString());
        return env;
    }

    /** {@code deja state --offline} in {@code root}, which must succeed: its output. */
    String state(Path root, Path cache) {
        Run run = Run.withEnvironment(env(cache), "-C", root.toString(), "state", "--offline");
        assertThat(run.code()).as(run.stderr()).isZero();
        return run.stdout();
    }
}
