package dev.deja.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where the docker CLI is for a given environment. */
final class DockerCli {

    private DockerCli() {
    }

    /**
     * The {@code docker} executable on the environment's {@code PATH}: the JDK resolves a bare name with deja's own
     * PATH, not the one handed to the child, and deja's environment is what decides.
     */
    static String executable(Map<String, String> environment) {
        String path = environment.getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "docker");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return "docker";
    }
}
