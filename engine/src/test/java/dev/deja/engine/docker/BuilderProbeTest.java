package dev.deja.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.engine.exec.Cancellation;
import dev.deja.engine.exec.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which buildx runs the builds when the docker CLI need not be asked, and when it must. */
class BuilderProbeTest {

    @TempDir
    Path tmp;

    private final List<String> debug = new ArrayList<>();

    private BuilderProbe probe(Path dockerConfig, BuildDriver.Options options) {
        Map<String, String> environment = Map.of("DOCKER_CONFIG", dockerConfig.toString(), "HOME", tmp.toString());
        return new BuilderProbe(
                new ProcessRunner(environment, Cancellation.never()),
                environment,
                options,
                notice -> {},
                debug::add,
                null);
    }

    private static Path executable(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void thePluginFoundWhereTheCliLooksFirstRunsAsItself() throws Exception {
        Path plugin = executable(tmp.resolve("config/cli-plugins/docker-buildx"));

        BuilderProbe.Builder builder =
                probe(tmp.resolve("config"), BuildDriver.Options.defaults()).builder();

        assertThat(builder.kind()).isEqualTo(BuilderProbe.Builder.Kind.BUILDX);
        assertThat(builder.buildx()).containsExactly(plugin.toString());
        assertThat(debug)
                .containsExactly("the docker CLI's buildx plugin is " + plugin
                        + ", run as itself (cache: inline: the builder's driver does not change the command)");
    }

    @Test
    void aConfigThatNamesMorePluginFoldersLeavesTheChoiceToTheCli() throws Exception {
        executable(tmp.resolve("config/cli-plugins/docker-buildx"));
        Files.writeString(tmp.resolve("config/config.json"), "{\"cliPluginsExtraDirs\": [\"/opt/plugins\"]}");

        assertThat(probe(tmp.resolve("config"), BuildDriver.Options.defaults()).pluginFile())
                .isEmpty();
    }

    @Test
    void aFileThatCannotRunIsNoPlugin() throws Exception {
        Path config = tmp.resolve("config");
        Files.createDirectories(config.resolve("cli-plugins"));
        Files.writeString(config.resolve("cli-plugins/docker-buildx"), "not executable");

        assertThat(probe(config, BuildDriver.Options.defaults()).pluginFile())
                .isNotEqualTo(config.resolve("cli-plugins/docker-buildx").toString());
    }

    @Test
    void withoutAPluginFileBuildsGoThroughTheDockerCli() {
        BuilderProbe.Builder asked = new BuilderProbe.Builder(BuilderProbe.Builder.Kind.BUILDX, "ci", "docker");
        assertThat(asked.buildx()).containsExactly("docker", "buildx");
    }
}
