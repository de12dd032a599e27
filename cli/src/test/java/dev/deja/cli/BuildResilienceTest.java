package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deja.registry.Manifest;
import dev.deja.registry.RegistryException;
import dev.deja.registry.Repository;
import dev.deja.registry.TestRegistryOps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What goes wrong around a build, on the real dockerd + buildx + registry: concurrent runs, a SIGTERM, a kill -9,
 * an emptied daemon, a machine without the buildx plugin, a builder that cannot write registry cache.
 */
class BuildResilienceTest {

    private static final List<String> PUSHED = List.of("base", "shared", "service1", "service2", "admin", "web");

    @TempDir
    Path tmp;

    private ExampleRepo example;

    @BeforeEach
    void setUp() throws Exception {
        example = ExampleRepo.create(tmp);
    }

    @Test
    void twoRunsOfTheSameCommitAtOnceBothSucceedAndLeaveConsistentTags() throws Exception {
        CompletableFuture<Run> first = CompletableFuture.supplyAsync(() -> example.build());
        CompletableFuture<Run> second = CompletableFuture.supplyAsync(() -> example.build());
        Run a = first.get(10, TimeUnit.MINUTES);
        Run b = second.get(10, TimeUnit.MINUTES);
        assertThat(a.code()).as(a.stdout() + a.stderr()).isZero();
        assertThat(b.code()).as(b.stdout() + b.stderr()).isZero();
        String commit = example.git("rev-parse", "HEAD");
        Map<String, String> states = states();
        for (String image : PUSHED) {
            String state = example.digest(image, states.get(image));
            assertThat(state).as(image).startsWith("sha256:");
            assertThat(List.of(
                            example.digest(image, commit),
                            example.digest(image, "main"),
                            example.digest(image, "latest")))
                    .as(image + ": commit, branch and latest = the state tag")
                    .containsOnly(state);
        }
        assertCompleteImagesOnly();
    }

    @Test
    void sigtermStopsTheBuilderAndWritesNoTagButTheStateTagsOfFinishedBuilds() throws Exception {
        addSlowImage(120);
        Path err = tmp.resolve("sigterm.err");
        Process deja = launch(err, example.buildArgs("--upto", "slow"));
        awaitLog(deja, err, "slow-start");
        List<ProcessHandle> children = deja.descendants().toList();
        assertThat(children).as("the builder runs as a child").isNotEmpty();
        deja.destroy();
        assertThat(deja.waitFor(60, TimeUnit.SECONDS))
                .as("deja stops on SIGTERM")
                .isTrue();
        assertThat(deja.exitValue()).isEqualTo(128 + 15);
        assertThat(Files.readString(err)).contains("deja: interrupted: 1 build(s) stopped");
        awaitGone(children, Duration.ofSeconds(30));
        String commit = example.git("rev-parse", "HEAD");
        assertThat(example.digest("slow", states().get("slow")))
                .as("slow never finished")
                .isEmpty();
        assertThat(example.digest("base", states().get("base")))
                .as("base was built before")
                .isNotEmpty();
        assertThat(example.digest("base", "main")).as("no moving tag").isEmpty();
        assertThat(example.digest("base", commit)).isEmpty();
        try (var left = Files.list(tmp.resolve("deja-tmp"))) {
            assertThat(left.map(path -> path.getFileName().toString()))
                    .as("the contexts written out for the builds are removed")
                    .noneMatch(name -> name.startsWith("deja-context-") || name.startsWith("deja-dockerfile-"));
        }
    }

    @Test
    void afterKillMinus9ARerunCompletesAndNoTagPointsAtAnIncompleteImage() throws Exception {
        addSlowImage(15);
        Path err = tmp.resolve("kill.err");
        Process deja = launch(err, example.buildArgs());
        awaitLog(deja, err, "slow-start");
        List<ProcessHandle> orphans = deja.descendants().toList();
        deja.destroyForcibly();
        deja.waitFor();
        Run rerun = example.build();
        assertThat(rerun.code()).as(rerun.stdout() + rerun.stderr()).isZero();
        assertThat(ExampleRepo.results(rerun).get("slow")).isIn("built", "reused");
        String slowState = example.digest("slow", states().get("slow"));
        assertThat(example.digest("slow", "main")).isEqualTo(slowState).startsWith("sha256:");
        awaitGone(orphans, Duration.ofSeconds(120));
        assertCompleteImagesOnly();
    }

    @Test
    void anEmptiedDaemonStillReusesEverythingAndARebuildTakesCacheFromTheRegistry() throws Exception {
        Run first = example.build();
        assertThat(first.code()).as(first.stderr()).isZero();
        // Every image of this run and the daemon's build cache go; deja-busybox stays (nothing can be pulled).
        for (String ref : example.docker(true, "images", "--format", "{{.Repository}}:{{.Tag}}")
                .lines()
                .filter(r -> r.startsWith(example.prefix))
                .toList()) {
            example.docker(true, "rmi", "-f", ref);
        }
        example.docker(true, "builder", "prune", "-af");
        assertThat(example.docker(true, "images", "--format", "{{.Repository}}"))
                .doesNotContain(example.prefix);

        example.commit("a new commit on an empty daemon");
        Run reuse = example.build();
        assertThat(reuse.code()).as(reuse.stderr()).isZero();
        assertThat(ExampleRepo.results(reuse).values()).containsOnly("reused", "exported");

        example.repo.file("service1/app.sh", "#!/bin/sh\necho \"service1 says hello again\"\n");
        example.commit("one line");
        Run rebuild = example.build();
        assertThat(rebuild.code()).as(rebuild.stderr()).isZero();
        assertThat(ExampleRepo.results(rebuild))
                .containsEntry("service1", "built")
                .containsEntry("shared", "reused");
        List<String> service1 = rebuild.stderr()
                .lines()
                .filter(l -> l.startsWith("[service1] "))
                .toList();
        assertThat(service1)
                .anyMatch(l -> l.contains("importing cache manifest from " + example.prefix + "/service1:"));
        assertThat(service1)
                .as("steps before the changed COPY come from the registry's cache")
                .anyMatch(l -> l.contains("CACHED"));
    }

    @Test
    void withoutTheBuildxPluginDejaSaysSoAndBuildsWithTheClassicBuilder() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        String docker = which("docker");
        Path wrapper = bin.resolve("docker");
        // The docker CLI as on a machine without the plugin: everything but buildx passes through.
        Files.writeString(
                wrapper,
                "#!/bin/sh\nif [ \"$1\" = buildx ]; then\n"
                        + "  echo \"docker: 'buildx' is not a docker command.\" >&2\n  exit 1\nfi\nexec " + docker
                        + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = new HashMap<>(example.env);
        env.put("PATH", bin + ":" + env.get("PATH"));
        // This machine has the plugin's file where the CLI looks, which deja would run as itself: a config that
        // names plugin folders of its own leaves the choice to the CLI, which has none here.
        Path config = Files.createDirectories(tmp.resolve("docker-config"));
        Files.writeString(
                config.resolve("config.json"), "{\"cliPluginsExtraDirs\": [\"" + tmp.resolve("no-plugins") + "\"]}");
        env.put("DOCKER_CONFIG", config.toString());

        Run first = Run.withEnvironment(env, example.buildArgs());
        assertThat(first.code()).as(first.stdout() + first.stderr()).isZero();
        assertThat(first.stderr())
                .contains("the docker buildx plugin is missing")
                .contains("DOCKER_BUILDKIT=1 docker build");
        assertThat(ExampleRepo.results(first))
                .containsEntry("base", "built")
                .containsEntry("service1", "built")
                .containsEntry("web", "built")
                .containsEntry("wheels", "exported");
        assertThat(example.repo.path("dist/wheels/MANIFEST")).exists();
        String service1 = example.digest("service1", states().get("service1"));
        assertThat(service1).startsWith("sha256:").isEqualTo(example.digest("service1", "main"));

        example.commit("again");
        Run second = Run.withEnvironment(env, example.buildArgs());
        assertThat(second.code()).isZero();
        assertThat(ExampleRepo.results(second).values()).containsOnly("reused", "exported");
    }

    @Test
    void registryCacheOnTheDockerDriverSaysItCannotAndUsesInlineCache() throws Exception {
        example.repo.file("deja.yaml", example.repo.read("deja.yaml").replace("cache: inline", "cache: registry"));
        example.commit("registry cache");
        Run run = example.build("--upto", "shared");
        assertThat(run.code()).as(run.stderr()).isZero();
        assertThat(run.stderr())
                .contains("(driver docker) cannot write cache to a registry (cache: registry);"
                        + " using inline cache instead");
        assertThat(example.digest("shared", "main")).startsWith("sha256:");

        Run unknown = example.build("--builder", "no-such-builder", "--upto", "admin");
        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.stderr()).contains("docker buildx inspect no-such-builder failed");
    }

    private void addSlowImage(int seconds) throws Exception {
        example.repo.file(
                "slow/Dockerfile", "FROM base\nRUN echo slow-start && sleep " + seconds + " && echo slow-done\n");
        example.repo.file("deja.yaml", example.repo.read("deja.yaml") + "  slow:\n    dockerfile: slow/Dockerfile\n");
        example.commit("a slow image");
    }

    private Map<String, String> states() {
        Map<String, String> states = new HashMap<>();
        Run.withEnvironment(example.env, "-C", example.root().toString(), "--registry", example.prefix, "state")
                .stdout()
                .lines()
                .forEach(l -> states.put(l.split(" ")[0], l.split(" ")[1]));
        return states;
    }

    /** deja in a JVM of its own, so that it can be signalled and killed. */
    private Process launch(Path stderr, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                // Its own temp folder, to see what a run leaves there.
                "-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("deja-tmp")),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(stderr.toFile())
                .redirectOutput(tmp.resolve("launched.out").toFile());
        builder.environment().clear();
        builder.environment().putAll(example.env);
        return builder.start();
    }

    private static void awaitLog(Process deja, Path log, String text) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            assertThat(deja.isAlive())
                    .as("deja ended before '" + text + "': " + Files.readString(log))
                    .isTrue();
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + text + "' in " + Files.readString(log));
    }

    private static void awaitGone(List<ProcessHandle> processes, Duration within) throws Exception {
        Instant deadline = Instant.now().plus(within);
        while (processes.stream().anyMatch(ProcessHandle::isAlive)
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertThat(processes).as("builder processes left running").noneMatch(ProcessHandle::isAlive);
    }

    /** Every tag of every repository of the run resolves to a manifest whose config and layers all exist. */
    private void assertCompleteImagesOnly() {
        ObjectMapper json = new ObjectMapper();
        for (String image : List.of("base", "shared", "service1", "service2", "admin", "web", "slow")) {
            Repository repository = Repository.parse(example.prefix + "/" + image);
            List<String> tags;
            try {
                tags = TestRegistryOps.tags(example.client, repository, 100);
            } catch (RegistryException e) {
                continue; // never pushed
            }
            for (String tag : tags) {
                Manifest manifest = example.client.manifest(repository, tag).orElseThrow();
                try {
                    JsonNode node = json.readTree(manifest.content());
                    List<String> blobs = new ArrayList<>(
                            List.of(node.path("config").path("digest").asText()));
                    node.path("layers").forEach(l -> blobs.add(l.path("digest").asText()));
                    for (String blob : blobs) {
                        assertThat(TestRegistryOps.blobExists(example.client, repository, blob))
                                .as(image + ":" + tag + " " + blob)
                                .isTrue();
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    private static String which(String program) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "command -v " + program).start();
        String path = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).isZero();
        return path;
    }
}
