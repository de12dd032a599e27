package dev.deja.engine.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deja.engine.config.ConfigException;
import dev.deja.engine.config.RunSettings;
import dev.deja.packer.TestTree;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deja.yaml's settings of the builder that are not inputs of a state: {@code secrets:} and {@code ssh:} (paths made
 * absolute, from the project root, {@code ~/} from {@code $HOME}; {@code env:NAME} kept), and what RUN steps see of
 * the machine ({@code network}, {@code extra_hosts}, {@code shm_size}, {@code ulimits}); what BuildKit would refuse
 * is refused at load time with the line.
 */
class BuilderSettingsConfigTest {

    @TempDir
    Path tmp;

    private Project load(String image) {
        TestTree tree = new TestTree(tmp.resolve("repo"))
                .file("app/Dockerfile", "FROM alpine\n")
                .file("deja.yaml", "images:\n  app:\n    dockerfile: app/Dockerfile\n" + image);
        return new ProjectLoader(Map.of("HOME", tmp.resolve("home").toString())).load(tree.root(), null);
    }

    @Test
    void filesAreMadeAbsoluteAndVariablesKept() {
        ImageDefinition app = load("    secrets: {npmrc: ~/.npmrc, token: env:NPM_TOKEN, ca: certs/ca.pem}\n"
                        + "    ssh: [default, \"github=~/.ssh/id_ed25519,keys/deploy\"]\n")
                .image("app")
                .orElseThrow();
        Path root = tmp.resolve("repo").toAbsolutePath();
        assertThat(app.secrets())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "npmrc", tmp.resolve("home/.npmrc").toString(),
                        "token", "env:NPM_TOKEN",
                        "ca", root.resolve("certs/ca.pem").toString()));
        assertThat(app.ssh())
                .containsExactly(
                        "default", "github=" + tmp.resolve("home/.ssh/id_ed25519") + "," + root.resolve("keys/deploy"));
    }

    @Test
    void whatBuildKitWouldRefuseIsAnErrorWithTheLine() {
        assertThatThrownBy(() -> load("    secrets: {\"npm rc\": ~/.npmrc}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("secret id 'npm rc' is not valid")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(2));
        assertThatThrownBy(() -> load("    secrets: {token: \"env:NPM-TOKEN\"}\n"))
                .hasMessageContaining("'NPM-TOKEN' is not an environment variable name");
        assertThatThrownBy(() -> load("    secrets: {token: \"\"}\n"))
                .hasMessageContaining("secret 'token' needs a file or env:VARIABLE");
        assertThatThrownBy(() -> load("    ssh: [\"deploy=\"]\n")).hasMessageContaining("names an empty path");
        assertThatThrownBy(() -> load("    ssh: [\"=key\"]\n"))
                .hasMessageContaining("ssh '=key' is not default, an id, or ID=PATH");
        assertThatThrownBy(() -> load("    secrets: [npmrc]\n")).hasMessageContaining("secrets");
    }

    @Test
    void runSettingsAreKeptAsTheBuilderTakesThem() {
        RunSettings run = load("    network: host\n    extra_hosts: [\"proxy.test=10.0.0.5\", \"db.test:10.0.0.6\"]\n"
                        + "    shm_size: 2g\n    ulimits: [\"nofile=1024:2048\"]\n"
                        + "    entitlements: [security.insecure, network.host, network.host]\n")
                .image("app")
                .orElseThrow()
                .run();
        assertThat(run)
                .isEqualTo(new RunSettings(
                        "host",
                        List.of("proxy.test:10.0.0.5", "db.test:10.0.0.6"),
                        "2g",
                        List.of("nofile=1024:2048"),
                        List.of("network.host", "security.insecure")));
        assertThatThrownBy(() -> load("    network: bridge\n"))
                .hasMessageContaining("network 'bridge' is not default, host or none");
        assertThatThrownBy(() -> load("    extra_hosts: [proxy.test]\n"))
                .hasMessageContaining("extra host 'proxy.test' is not name:address");
        assertThatThrownBy(() -> load("    shm_size: lots\n")).hasMessageContaining("shm_size 'lots' is not a size");
        assertThatThrownBy(() -> load("    ulimits: [nofile]\n"))
                .hasMessageContaining("ulimit 'nofile' is not name=soft[:hard]");
        assertThatThrownBy(() -> load("    entitlements: [network.hots]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("entitlement 'network.hots' is not network.host or security.insecure")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(2));
    }
}
