package dev.deja.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deja.engine.bases.ResolvedBases;
import dev.deja.engine.config.CacheMode;
import dev.deja.engine.graph.ImageGraph;
import dev.deja.engine.pack.ImagePacker;
import dev.deja.engine.pack.PackedImage;
import dev.deja.engine.project.ProjectFixture;
import dev.deja.packer.TestTree;
import dev.deja.packer.context.WrittenFiles;
import dev.deja.packer.state.ContentHasher;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The builder command for builders the test machine lacks (a docker-container builder; the end-to-end tests cover
 * buildx with the docker driver and the classic builder for real).
 */
class BuildDriverTest {

    @TempDir
    Path tmp;

    private static final BuilderProbe.Builder CONTAINER =
            new BuilderProbe.Builder(BuilderProbe.Builder.Kind.BUILDX, "ci", "docker-container");
    private static final BuilderProbe.Builder DOCKER =
            new BuilderProbe.Builder(BuilderProbe.Builder.Kind.BUILDX, "default", "docker");
    private static final BuilderProbe.Builder CLASSIC =
            new BuilderProbe.Builder(BuilderProbe.Builder.Kind.CLASSIC, "", "docker");

    private TestTree tree;

    @BeforeEach
    void setUp() {
        tree = ProjectFixture.monorepo(tmp);
    }

    /** The fixture's image {@code shared} with more settings ({@code yaml}: lines of its mapping). */
    private void sharedAlsoHas(String yaml) throws Exception {
        String line = "    dockerfile: shared/Dockerfile\n";
        tree.file("deja.yaml", tree.read("deja.yaml").replace(line, line + yaml));
    }

    private List<String> command(BuildDriver.Options options, BuilderProbe.Builder builder, String image) {
        ImageGraph graph = ProjectFixture.graph(tree);
        PackedImage packed = new ImagePacker(graph, new ContentHasher(1), ResolvedBases.ignored()).pack(image);
        ImageBuilder.Request request = new ImageBuilder.Request(
                packed,
                graph.project().byName().get(image),
                "reg.example.com/acme/" + image,
                List.of("reg.example.com/acme/" + image + ":s1-x"),
                () -> List.of("reg.example.com/acme/" + image + ":main"),
                true,
                null,
                Map::of);
        return new BuildDriver(Map.of(), options, builder)
                .command(
                        request,
                        tmp.resolve("metadata.json"),
                        Map.of(),
                        new BuildCommandLine.Sending(request.packed().context().dockerfile(), "-"));
    }

    @Test
    void registryCacheOnAContainerBuilderReadsAndWritesTheBuildcacheTag() {
        List<String> command = command(new BuildDriver.Options("ci", CacheMode.REGISTRY), CONTAINER, "shared");
        assertThat(String.join(" ", command))
                .startsWith("docker buildx build --builder ci ")
                .contains("--cache-from type=registry,ref=reg.example.com/acme/shared:buildcache --cache-from"
                        + " type=registry,ref=reg.example.com/acme/shared:main")
                .contains("--cache-to type=registry,ref=reg.example.com/acme/shared:buildcache,mode=max")
                .doesNotContain("type=inline")
                .endsWith("--push -");
    }

    @Test
    void registryCacheOnTheDockerDriverFallsBackToInline() {
        String command = String.join(" ", command(new BuildDriver.Options("", CacheMode.REGISTRY), DOCKER, "shared"));
        assertThat(command)
                .contains("--cache-to type=inline")
                .doesNotContain("buildcache")
                .doesNotContain("--builder");
    }

    @Test
    void registryCacheOnTheDockerDriverOfAContainerdImageStoreWritesTheBuildcacheTag() {
        BuilderProbe.Builder containerdStore =
                new BuilderProbe.Builder(BuilderProbe.Builder.Kind.BUILDX, "default", "docker", true);
        String command =
                String.join(" ", command(new BuildDriver.Options("", CacheMode.REGISTRY), containerdStore, "shared"));
        assertThat(command)
                .contains("--cache-to type=registry,ref=reg.example.com/acme/shared:buildcache,mode=max")
                .doesNotContain("type=inline")
                .doesNotContain("--builder");
    }

    @Test
    void cacheNoneExportsNoCacheButStillReadsIt() {
        String command = String.join(" ", command(new BuildDriver.Options("", CacheMode.NONE), DOCKER, "shared"));
        assertThat(command).doesNotContain("--cache-to").contains("--cache-from type=registry,ref=");
    }

    @Test
    void theClassicBuilderGetsTheSameInputsAsBuildArgsAndPlainRefs() {
        String command = String.join(" ", command(BuildDriver.Options.defaults(), CLASSIC, "svc2"));
        assertThat(command)
                .startsWith("docker build --progress plain -f ")
                .contains("--build-arg BASE=acme/shared")
                .contains("--cache-from reg.example.com/acme/svc2:main")
                .contains("--tag reg.example.com/acme/svc2:s1-x")
                .contains("--build-arg BUILDKIT_INLINE_CACHE=1")
                .doesNotContain("--push")
                .doesNotContain("--metadata-file")
                .endsWith(" -");
    }

    /**
     * Secrets, SSH keys and the RUN steps' settings go to either builder as the docker CLI takes them; secrets' values
     * never appear.
     */
    @Test
    void secretsSshAndRunSettingsReachBothBuilders() throws Exception {
        sharedAlsoHas("    secrets: {token: env:NPM_TOKEN, npmrc: config/npmrc}\n"
                + "    ssh: [default]\n    network: host\n    extra_hosts: [\"a.test:10.0.0.1\"]\n"
                + "    shm_size: 1g\n    ulimits: [\"nofile=1024:2048\"]\n");
        String npmrc = tree.path("config/npmrc").toAbsolutePath().normalize().toString();
        for (BuilderProbe.Builder builder : List.of(DOCKER, CLASSIC)) {
            assertThat(String.join(" ", command(BuildDriver.Options.defaults(), builder, "shared")))
                    .contains("--secret id=npmrc,src=" + npmrc)
                    .contains("--secret id=token,env=NPM_TOKEN")
                    .contains("--ssh default")
                    .contains("--network host --add-host a.test:10.0.0.1 --shm-size 1g --ulimit nofile=1024:2048");
        }
        assertThat(String.join(" ", command(BuildDriver.Options.defaults(), DOCKER, "base")))
                .doesNotContain("--secret")
                .doesNotContain("--ssh")
                .doesNotContain("--network");
    }

    @Test
    void entitlementsReachBuildxAsAllowAndTheClassicBuilderRefusesThem() throws Exception {
        sharedAlsoHas("    entitlements: [security.insecure, network.host]\n");
        assertThat(String.join(" ", command(BuildDriver.Options.defaults(), DOCKER, "shared")))
                .contains(" build --allow network.host --allow security.insecure --progress plain ");
        assertThat(String.join(" ", command(BuildDriver.Options.defaults(), DOCKER, "base")))
                .doesNotContain("--allow");
        assertThatThrownBy(() -> command(BuildDriver.Options.defaults(), CLASSIC, "shared"))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageContaining("the classic docker build cannot grant entitlements (this image is allowed"
                        + " network.host, security.insecure): install the docker buildx plugin");
    }

    @Test
    void theClassicBuilderRefusesAPlatformList() throws Exception {
        sharedAlsoHas("    platforms: [linux/amd64, linux/arm64]\n");
        assertThatThrownBy(() -> command(BuildDriver.Options.defaults(), CLASSIC, "shared"))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageContaining("linux/amd64, linux/arm64: install the docker buildx plugin");
    }

    private ImageBuilder.Request request(String image) {
        ImageGraph graph = ProjectFixture.graph(tree);
        PackedImage packed = new ImagePacker(graph, new ContentHasher(1), ResolvedBases.ignored()).pack(image);
        return new ImageBuilder.Request(
                packed,
                graph.project().byName().get(image),
                "reg.example.com/acme/" + image,
                List.of(),
                List::of,
                true,
                null,
                Map::of);
    }

    @Test
    void debugShowsTheCommandWithoutBuildArgValues() {
        List<String> command = List.of(
                "docker",
                "buildx",
                "build",
                "--build-arg",
                "NPM_TOKEN=s3cret",
                "--label",
                "team=web",
                "--label",
                "dev.deja.inputs={\"args\":{\"NPM_TOKEN\":\"s3cret\"}}",
                "--tag",
                "reg/app:s1-x",
                "/ctx");
        assertThat(String.join(" ", BuildDriver.shown(command)))
                .isEqualTo("docker buildx build --build-arg NPM_TOKEN=… --label team=web --label dev.deja.inputs=…"
                        + " --tag reg/app:s1-x /ctx");
    }

    /** The lines BuildKit closes a failed build with (current and dockerd 20.10's), as a report's reason. */
    @Test
    void theBuildersLastErrorLineIsTheReasonWithoutItsWrapping() {
        assertThat(
                        BuildDriver.builderError(
                                "ERROR: failed to solve: process \"/bin/sh -c exit 3\" did not complete successfully: exit code: 3"))
                .isEqualTo("process \"/bin/sh -c exit 3\" did not complete successfully: exit code: 3");
        assertThat(BuildDriver.builderError("ERROR: failed to solve: rpc error: code = Unknown desc = failed to solve"
                        + " with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 8:"
                        + " unknown instruction: SET"))
                .isEqualTo("failed to create LLB definition: dockerfile parse error line 8: unknown instruction: SET");
        assertThat(BuildDriver.builderError("ERROR: denied: requested access to the resource is denied"))
                .isEqualTo("denied: requested access to the resource is denied");
    }

    @Test
    void aContextIsSentAsAFolderWrittenAsItWasHashedAndAVeryLargeOneOnStdin() throws Exception {
        java.util.List<Path> written = new java.util.ArrayList<>();
        ImageBuilder.Request svc1 = request("svc1");
        BuildCommandLine.Sending folder = BuildDriver.sending(
                        svc1.packed(), written, BuildDriver.FOLDER_AT_MOST_BYTES, WrittenFiles.none())
                .sending();
        Path dir = Path.of(folder.context());
        assertThat(written).containsExactly(dir);
        assertThat(folder.dockerfile()).isEqualTo(dir.resolve("Dockerfile").toString());
        // The rewritten Dockerfile (its parent pinned to its state), the include at its repository path, tar times.
        assertThat(java.nio.file.Files.readString(dir.resolve("Dockerfile")))
                .startsWith("FROM reg.example.com/acme/shared:s1-");
        assertThat(dir.resolve("libs/lua")).isDirectory();
        assertThat(java.nio.file.Files.readString(dir.resolve("app"))).isEqualTo("svc1\n");
        for (String path : List.of("app", "Dockerfile", "libs", "libs/lua")) {
            assertThat(java.nio.file.Files.getLastModifiedTime(dir.resolve(path))
                            .toMillis())
                    .as(path)
                    .isZero();
        }
        assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve("app")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        dev.deja.packer.context.ContextFiles.delete(dir);

        written.clear();
        BuildCommandLine.Sending stdin = BuildDriver.sending(svc1.packed(), written, 0, WrittenFiles.none())
                .sending();
        assertThat(stdin.onStdin()).isTrue();
        assertThat(stdin.dockerfile()).isEqualTo("Dockerfile");
        assertThat(written).isEmpty();
    }

    @Test
    void aFileThatChangedSizeSinceItWasHashedIsNotSent() throws Exception {
        ImageBuilder.Request svc1 = request("svc1");
        java.nio.file.Files.writeString(tmp.resolve("svc1/app"), "svc1 and more\n");
        java.util.List<Path> written = new java.util.ArrayList<>();
        assertThatThrownBy(() -> BuildDriver.sending(
                        svc1.packed(), written, BuildDriver.FOLDER_AT_MOST_BYTES, WrittenFiles.none()))
                .hasMessageContaining("grew while deja was packing it");
        ImageBuilder.Request svc2 = request("svc2");
        java.nio.file.Files.writeString(tmp.resolve("svc2/main"), "");
        assertThatThrownBy(() -> BuildDriver.sending(
                        svc2.packed(), written, BuildDriver.FOLDER_AT_MOST_BYTES, WrittenFiles.none()))
                .hasMessageContaining("shrank while deja was packing it");
        for (Path dir : written) {
            dev.deja.packer.context.ContextFiles.delete(dir);
        }
    }

    /**
     * A buildx plugin where the docker CLI looks first: it says which context folder it was given, the metadata
     * file, and the context folders that existed while it ran, and writes the pushed digest as buildx does.
     */
    private BuildDriver driverWithAFakeBuildx(Path seen) throws Exception {
        return driverWithAFakeBuildx(seen, "", line -> {});
    }

    /** @param more shell lines the fake plugin runs last, with the context folder in {@code $1} */
    private BuildDriver driverWithAFakeBuildx(Path seen, String more, java.util.function.Consumer<String> debug)
            throws Exception {
        Path config = tmp.resolve("docker-config");
        Path plugin = config.resolve("cli-plugins/docker-buildx");
        java.nio.file.Files.createDirectories(plugin.getParent());
        java.nio.file.Files.writeString(
                plugin,
                "#!/bin/sh\n"
                        + "while [ $# -gt 1 ]; do\n"
                        + "  if [ \"$1\" = --metadata-file ]; then metadata=$2;"
                        + " printf '{\"containerimage.digest\": \"sha256:%064d\"}' 0 > \"$2\"; fi\n"
                        + "  shift\n"
                        + "done\n"
                        + "printf '%s\\n%s\\n' \"$1\" \"$metadata\" > '" + seen + "'\n"
                        + "ls -d " + TEMP + "/deja-context-* >> '" + seen + "'\n"
                        + more
                        + "[ -f \"$1/Dockerfile\" ] && [ -f \"$1/app\" ]\n");
        java.nio.file.Files.setPosixFilePermissions(
                plugin, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> environment =
                Map.of("DOCKER_CONFIG", config.toString(), "HOME", tmp.toString(), "PATH", System.getenv("PATH"));
        return new BuildDriver(
                environment,
                BuildDriver.Options.defaults(),
                dev.deja.engine.exec.Cancellation.never(),
                notice -> {},
                debug);
    }

    private static final Path TEMP = Path.of(System.getProperty("java.io.tmpdir"));

    /** The context folders in the temporary folder now. */
    private static java.util.Set<Path> contextFolders() throws Exception {
        try (java.util.stream.Stream<Path> list = java.nio.file.Files.list(TEMP)) {
            return list.filter(p -> p.getFileName().toString().startsWith("deja-context-"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void theBuildersTemporaryFilesAreGoneOnceTheDriverCloses() throws Exception {
        Path seen = tmp.resolve("seen");
        BuildDriver driver = driverWithAFakeBuildx(seen);

        ImageBuilder.Result result = driver.build(request("svc1"), line -> {});
        driver.close();

        assertThat(result.digest()).isEqualTo("sha256:" + "0".repeat(64));
        List<String> given = java.nio.file.Files.readAllLines(seen);
        assertThat(given).hasSizeGreaterThan(2);
        assertThat(Path.of(given.get(0))).doesNotExist();
        assertThat(Path.of(given.get(1))).doesNotExist();
    }

    /**
     * A context written out ahead of its build is the one its builder gets (nothing is written again), and one
     * written for a build that never ran is removed when the driver closes, as the built one is.
     */
    @Test
    void aContextWrittenAheadIsTheOneSentAndNoneIsLeftOnClose() throws Exception {
        Path seen = tmp.resolve("seen");
        BuildDriver driver = driverWithAFakeBuildx(seen);
        java.util.Set<Path> before = contextFolders();
        ImageBuilder.Request svc1 = request("svc1");
        driver.writeAhead(svc1.packed());
        driver.writeAhead(request("svc2").packed());

        // The two folders written ahead, as they appear (each is made before its files are written).
        java.util.Set<Path> ahead = new java.util.HashSet<>();
        for (int waited = 0; ahead.size() < 2 && waited < 1000; waited++) {
            Thread.sleep(10);
            ahead = new java.util.HashSet<>(contextFolders());
            ahead.removeAll(before);
        }

        driver.build(svc1, line -> {});
        List<String> given = java.nio.file.Files.readAllLines(seen);
        assertThat(ahead).hasSize(2).contains(Path.of(given.get(0)));
        java.util.Set<Path> during = new java.util.HashSet<>(
                given.subList(2, given.size()).stream().map(Path::of).toList());
        during.removeAll(before);
        assertThat(during).as("nothing written again for the build").isEqualTo(ahead);
        driver.close();

        assertThat(contextFolders()).isSubsetOf(before);
    }

    /**
     * The files of an image most likely built, copied out while they were hashed, are what its build's context links
     * (one inode, not a second copy), and their folder is gone once the driver closes.
     */
    @Test
    void filesCopiedOutEarlyAreLinkedByTheBuildAndRemovedOnClose() throws Exception {
        Path seen = tmp.resolve("seen");
        Path links = tmp.resolve("links");
        List<String> debug = new java.util.concurrent.CopyOnWriteArrayList<>();
        BuildDriver driver = driverWithAFakeBuildx(seen, "stat -c %h \"$1/app\" > '" + links + "'\n", debug::add);
        ImageBuilder.Request svc1 = request("svc1");
        java.util.Set<Path> before = earlyFolders();

        driver.writeEarly("svc1", svc1.packed().context().entries());
        driver.build(svc1, line -> {});

        assertThat(java.nio.file.Files.readString(links).strip())
                .as("the context's file and its early copy: one inode")
                .isEqualTo("2");
        assertThat(debug)
                .anyMatch(line -> line.startsWith("svc1: ") && line.contains("copied out while they were hashed"))
                .anyMatch(line -> line.contains("of its files linked to the copies made while they were hashed"));
        java.util.Set<Path> early = new java.util.HashSet<>(earlyFolders());
        early.removeAll(before);
        assertThat(early).hasSize(1);
        driver.close();
        assertThat(early.iterator().next()).doesNotExist();
    }

    /** A context larger than an early copy may be is left to its build. */
    @Test
    void aContextLargerThanAnEarlyCopyIsNotCopiedEarly() throws Exception {
        BuildDriver driver = driverWithAFakeBuildx(tmp.resolve("seen"));
        tree.file("svc1/big.bin", "x".repeat((int) BuildDriver.EARLY_AT_MOST_BYTES));
        java.util.Set<Path> before = earlyFolders();

        driver.writeEarly("svc1", request("svc1").packed().context().entries());
        driver.close();

        java.util.Set<Path> early = new java.util.HashSet<>(earlyFolders());
        early.removeAll(before);
        assertThat(early).isEmpty();
    }

    /** The early copies' folders in the temporary folder now. */
    private static java.util.Set<Path> earlyFolders() throws Exception {
        try (java.util.stream.Stream<Path> list = java.nio.file.Files.list(TEMP)) {
            return list.filter(p -> p.getFileName().toString().startsWith("deja-early-"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }
}
