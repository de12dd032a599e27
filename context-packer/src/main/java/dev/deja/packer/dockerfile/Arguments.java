package dev.deja.packer.dockerfile;

import java.util.Map;

/**
 * The values a Dockerfile's variables take in one build.
 *
 * @param buildArgs {@code --build-arg}s: they set an ARG only where the Dockerfile declares it
 * @param automatic BuildKit's predefined ARGs (platforms): in scope for FROM without a declaration
 */
public record Arguments(Map<String, String> buildArgs, Map<String, String> automatic) {

    public Arguments {
        buildArgs = Map.copyOf(buildArgs);
        automatic = Map.copyOf(automatic);
    }

    /** Build args for a build on this machine, for its own platform. */
    public static Arguments of(Map<String, String> buildArgs) {
        return forPlatform(buildArgs, Platform.host(), Platform.host());
    }

    public static Arguments forPlatform(Map<String, String> buildArgs, Platform target, Platform build) {
        return new Arguments(buildArgs, Platform.automaticArgs(target, build));
    }
}
