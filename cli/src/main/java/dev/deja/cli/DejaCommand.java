package dev.deja.cli;

import dev.deja.engine.exec.Cancellation;
import dev.deja.registry.transport.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

@Command(
        name = "deja",
        versionProvider = DejaCommand.Version.class,
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Builds every Docker image of a monorepo exactly once per content.",
            "",
            "For each image deja packs the build context it really needs, hashes it into a state, and reuses the"
                    + " image built for that state or builds it. The images come from deja.yaml, from the compose"
                    + " or bake file the repository keeps, or from its Dockerfiles ('deja init' shows which)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  deja plan --offline -C examples/monorepo   states of every image, no registry needed",
            "  deja plan                                  reuse or build, per image, asking the registry",
            "  deja build --push                          retag every image whose state exists",
            "  deja cache-ref service1 --format buildx    the best --cache-from for a build",
            "  deja pull                                  what CI built, into the local daemon",
            "  deja state service1                        the state tag of one image (and why: deja graph)",
            "  deja context service1 -o - | tar -tv       what the builder would receive",
            "  deja graph --format mermaid                the dependency graph for a README",
            "  deja ci gitlab -o pipeline.yml             a child pipeline: a job per image to build",
            "",
            "Exit codes: 0 success, 1 a build failed, 2 usage or config error, 3 registry or daemon unreachable."
        })
final class DejaCommand implements Runnable {

    /**
     * The commands, by name, in the order help lists them. A run registers only the one it runs (see {@link
     * #commandsFor}): picocli reads a command's annotations by reflection, about 15 ms a command, which is most of
     * what starting deja would cost otherwise.
     */
    static final Map<String, Class<?>> COMMANDS = commands(
            "plan", PlanCommand.class,
            "build", BuildCommand.class,
            "pull", PullCommand.class,
            "cache-ref", CacheRefCommand.class,
            "state", StateCommand.class,
            "context", ContextCommand.class,
            "graph", GraphCommand.class,
            "ci", CiCommand.class,
            "init", InitCommand.class,
            "lock", LockCommand.class,
            "why", WhyCommand.class,
            "env", EnvCommand.class,
            "dev", DevCommand.class,
            "completion", CompletionCommand.class,
            "man", ManCommand.class,
            "check", CheckCommand.class,
            "help", CommandLine.HelpCommand.class);

    /** The options of deja itself that take a value in the next argument (see {@link #commandsFor}). */
    private static final java.util.Set<String> OPTIONS_WITH_VALUES =
            java.util.Set.of("-C", "-c", "--config", "--registry", "--insecure-registry", "--digest-cache");

    /** Commands that need every other one registered: they describe them all. */
    private static final java.util.Set<String> DESCRIBE_ALL = java.util.Set.of("help", "completion", "man");

    /** Name, class, name, class, …: the names are the commands' own (a test checks), not read by reflection. */
    private static Map<String, Class<?>> commands(Object... namesAndClasses) {
        Map<String, Class<?>> byName = new java.util.LinkedHashMap<>();
        for (int i = 0; i < namesAndClasses.length; i += 2) {
            byName.put((String) namesAndClasses[i], (Class<?>) namesAndClasses[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(byName);
    }

    /**
     * The commands a run with {@code args} needs: the one it names (the first argument that is neither one of
     * deja's own options nor its value), none to say its version, or all of them for help, completion, the man page,
     * and anything picocli must explain (no command, an unknown one).
     */
    static java.util.Collection<Class<?>> commandsFor(String[] args) {
        // Scripts and CI logs ask it first: 80 ms of a cold start went into registering commands it never shows.
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return List.of();
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                break;
            }
            if (arg.startsWith("-")) {
                if (OPTIONS_WITH_VALUES.contains(arg)) {
                    i++;
                }
                continue;
            }
            Class<?> command = COMMANDS.get(arg);
            return command == null || DESCRIBE_ALL.contains(arg) ? COMMANDS.values() : List.of(command);
        }
        return COMMANDS.values();
    }

    @Option(
            names = "-C",
            paramLabel = "DIR",
            scope = ScopeType.INHERIT,
            description = "Run as if started in DIR: the project is the nearest folder from there upward holding"
                    + " deja.yaml, else the git top level; without deja.yaml the images come from the nearest"
                    + " compose or bake file from DIR up, else from every Dockerfile of the checkout.")
    Path directory = Path.of("");

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "Use this config file; its folder is the project root.")
    Path config;

    @Option(
            names = "--registry",
            paramLabel = "PREFIX",
            scope = ScopeType.INHERIT,
            description = "Use this repository prefix instead of deja.yaml's registry: (host[:port]/path).")
    String registry;

    @Option(
            names = "--insecure-registry",
            paramLabel = "HOST[:PORT]",
            scope = ScopeType.INHERIT,
            description = "Talk plain HTTP to this registry (loopback registries always are). Repeatable.")
    List<String> insecureRegistries = new ArrayList<>();

    @Option(
            names = "--digest-cache",
            paramLabel = "DIR",
            scope = ScopeType.INHERIT,
            description = "Keep the file digest cache in DIR/digests.bin (CI: a folder the pipeline carries between"
                    + " jobs; 'off': none). Default: $DEJA_DIGEST_CACHE, else one file per project in"
                    + " ~/.cache/deja.")
    String digestCache;

    @Option(
            names = "--debug",
            scope = ScopeType.INHERIT,
            description = "Print what the run does on stderr, each line stamped with the seconds since the process"
                    + " started: every registry request (method, URL, status, time), how each state was found"
                    + " (known from git, or why its context was walked), every builder command (build-arg values"
                    + " hidden) and how long it ran. Never a secret.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Standard output as bytes, for commands that write binary data. */
    final OutputStream stdout;

    /** The environment, passed in so tests can set it. */
    final Map<String, String> environment;

    /** How a signal stops the run: builders stopped, moving tags all written or none. */
    final Cancellation cancellation;

    /** Whether a person watches: a terminal, outside CI (builds then show a live status line per image). */
    final boolean interactive;

    /** How the registry client retries. */
    final RetryPolicy retry;

    DejaCommand(
            OutputStream stdout,
            Map<String, String> environment,
            Cancellation cancellation,
            boolean interactive,
            RetryPolicy retry) {
        this.stdout = stdout;
        this.environment = Map.copyOf(environment);
        this.cancellation = cancellation;
        this.interactive = interactive;
        this.retry = retry;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed (see the list above)");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = DejaCommand.class.getResourceAsStream("/deja-version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {
                "deja " + properties.getProperty("version", "unknown"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                        + System.getProperty("java.home") + ")"
            };
        }
    }
}
