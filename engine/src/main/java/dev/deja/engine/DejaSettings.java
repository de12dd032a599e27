package dev.deja.engine;

import dev.deja.engine.exec.Cancellation;
import dev.deja.registry.transport.RetryPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Everything a run of deja is told from outside: where the project is, which registry, the environment (the only
 * place deja reads variables from), how the run is stopped, and where it says things.
 *
 * @param directory          where to start looking for the project ({@code -C})
 * @param config             an explicit config file ({@code -c}), or {@code null}
 * @param registry           a registry prefix that replaces deja.yaml's ({@code --registry}), or {@code null}
 * @param insecureRegistries registries spoken to in plain HTTP besides loopback ones
 * @param environment        the environment variables deja reads and passes to docker
 * @param cancellation       how a signal stops the run
 * @param retry              how the registry client retries
 * @param debug              what a run does, line by line (registry requests, how each state was found, the builder's
 *                           commands), or {@code null} for none
 * @param notices            what deja says once about how it builds (a missing plugin, a cache mode)
 * @param registryAhead      the command will ask the registry: its client starts with the run, while the project
 *                           is read (its start costs a tenth of a second)
 * @param drafting           the run drafts a deja.yaml ({@code deja init}): a project that the other commands refuse
 *                           as it stands (images that name a registry beside images that name none) is read, so
 *                           that the draft can say what to fix
 */
public record DejaSettings(
        Path directory,
        Path config,
        String registry,
        List<String> insecureRegistries,
        Map<String, String> environment,
        Cancellation cancellation,
        RetryPolicy retry,
        Consumer<String> debug,
        Consumer<String> notices,
        boolean registryAhead,
        boolean drafting) {

    public DejaSettings {
        insecureRegistries = List.copyOf(insecureRegistries);
        environment = Map.copyOf(environment);
    }

    /** {@link #debug()}, or a consumer that drops the lines. */
    public Consumer<String> debugLines() {
        return debug == null ? line -> {} : debug;
    }

    /** {@code environment} with one variable set (an option that stands for it, as {@code --digest-cache}). */
    public static Map<String, String> withVariable(Map<String, String> environment, String name, String value) {
        Map<String, String> more = new java.util.HashMap<>(environment);
        more.put(name, value);
        return Map.copyOf(more);
    }
}
